/** Latchkey core: the facade, its values and errors, and the SPI that stores and hosts implement. */
module dev.latchkey.auth {
    requires org.slf4j;
    requires com.nimbusds.jose.jwt;
    requires com.google.i18n.phonenumbers.libphonenumber;

    exports dev.latchkey.auth;
    exports dev.latchkey.auth.spi;
}
