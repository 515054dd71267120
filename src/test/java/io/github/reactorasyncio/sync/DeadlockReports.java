package io.github.reactorasyncio.sync;

import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.Disposable;

/** The deadlock reports {@link Diagnostics} delivers during one test, oldest first (a JUnit extension). */
public final class DeadlockReports extends CopyOnWriteArrayList<DeadlockReport>
        implements BeforeEachCallback, AfterEachCallback {

    private transient Disposable listener;

    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
        listener = Diagnostics.addDeadlockListener(this::add);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        listener.dispose();
    }
}
