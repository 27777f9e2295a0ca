/**
 * Latchkey for Spring Boot: {@link dev.latchkey.auth.spring.LatchkeyAutoConfiguration} builds an {@code AuthFacade}
 * from {@code latchkey.*} properties (the environment variables of {@code AuthSettings.fromEnv}, in Spring's naming:
 * {@code JWT_EXPIRES_IN} is {@code latchkey.jwt-expires-in}), the application's {@code DataSource} and Redis client,
 * and its {@code OtpSender} bean; {@link dev.latchkey.auth.spring.LatchkeySecurity} turns Bearer access tokens into
 * Spring Security authentications.
 */
@NullMarked
package dev.latchkey.auth.spring;

import org.jspecify.annotations.NullMarked;
