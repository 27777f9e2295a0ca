/** Latchkey core: the facade, its values and errors, and the SPI that stores and hosts implement. */
module dev.latchkey.auth {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires org.slf4j;
    requires com.nimbusds.jose.jwt;
    requires com.fasterxml.jackson.core;
    requires com.google.i18n.phonenumbers.libphonenumber;

    exports dev.latchkey.auth;
    exports dev.latchkey.auth.spi;
    // The bounded memory stores exist once, here, for the local fallback; the memory store module wraps them. Exported
    // to all, not only to that module: an application may put the core on the module path and the memory store on the
    // class path (as surefire does with test dependencies), and a qualified export fails there at run time. Not an API.
    exports dev.latchkey.auth.internal.memory;
}
