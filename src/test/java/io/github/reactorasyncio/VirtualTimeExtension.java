package io.github.reactorasyncio;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Installs a {@link VirtualTimeScheduler} as every Reactor default scheduler for one test and removes it afterwards.
 * A test class gets it by declaring a {@code VirtualTimeScheduler} constructor or method parameter.
 */
public final class VirtualTimeExtension implements ParameterResolver, AfterEachCallback {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == VirtualTimeScheduler.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return VirtualTimeScheduler.getOrSet();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        VirtualTimeScheduler.reset();
    }
}
