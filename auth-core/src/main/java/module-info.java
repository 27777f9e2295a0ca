/** Latchkey core: the facade, its values and errors, and the SPI that stores and hosts implement. */
// "module": the qualified export names the memory store module, which is not on this module's path when it compiles.
@SuppressWarnings("module")
module dev.latchkey.auth {
    // Nullness annotations (TYPE_USE, so part of the exported API): needed to compile, not at run time.
    requires static transitive org.jspecify;
    requires org.slf4j;
    requires com.nimbusds.jose.jwt;
    requires com.fasterxml.jackson.core;
    requires com.google.i18n.phonenumbers.libphonenumber;

    exports dev.latchkey.auth;
    exports dev.latchkey.auth.spi;
    // The bounded memory stores exist once, here, for the local fallback; the memory store module wraps them.
    exports dev.latchkey.auth.internal.memory to
            dev.latchkey.auth.store.memory;
}
