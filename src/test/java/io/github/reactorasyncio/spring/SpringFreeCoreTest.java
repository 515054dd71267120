package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Core users without Spring or Micrometer on the classpath are unaffected: every class outside the {@code spring}
 * packages loads and initializes in a class loader that hides both. (Which package may import what at all is
 * {@link io.github.reactorasyncio.LayeringTest}'s.)
 */
class SpringFreeCoreTest {

    private static final String SPRING_PACKAGE = "io/github/reactorasyncio/spring/";

    private static Path mainClasses() throws URISyntaxException {
        return Path.of(Semaphore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Loads and initializes every core class (and runs a semaphore) in a class loader that has no Spring. */
    @Test
    void everyCoreClassLoadsWithSpringAndMicrometerHidden() throws Exception {
        Path root = mainClasses();
        try (URLClassLoader hiding = new URLClassLoader(new URL[] {root.toUri().toURL()},
                SpringFreeCoreTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("org.springframework.") || name.startsWith("io.micrometer.")) {
                    throw new ClassNotFoundException(name + " is hidden from core classes");
                }
                if (name.startsWith("io.github.reactorasyncio.")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        return loaded != null ? loaded : findClass(name);   // child-first for our classes
                    }
                }
                return super.loadClass(name, resolve);
            }
        }) {
            List<String> core;
            try (Stream<Path> files = Files.walk(root)) {
                core = files.map(f -> root.relativize(f).toString().replace('\\', '/'))
                        .filter(f -> f.endsWith(".class") && !f.startsWith(SPRING_PACKAGE))
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                        .toList();
            }
            assertThat(core).hasSizeGreaterThan(20);
            for (String name : core) {
                Class<?> type = Class.forName(name, true, hiding);
                assertThat(type.getClassLoader()).isSameAs(hiding);
                type.getDeclaredMethods();   // resolves every signature's types
                type.getDeclaredFields();
            }
            Class<?> semaphore = Class.forName(Semaphore.class.getName(), true, hiding);
            Object sem = semaphore.getMethod("create", String.class, int.class).invoke(null, "core", 2);
            assertThat(sem.toString()).isEqualTo("Semaphore[name=core, available=2/2, waiting=0]");
            assertThatSpringIsReallyHidden(hiding);
        }
    }

    private static void assertThatSpringIsReallyHidden(ClassLoader hiding) {
        assertThatExceptionOfType(ClassNotFoundException.class)
                .isThrownBy(() -> Class.forName("org.springframework.web.server.WebFilter", false, hiding));
        assertThatExceptionOfType(NoClassDefFoundError.class)
                .as("a spring-package class cannot even be initialized there")
                .isThrownBy(() -> Class.forName(ConcurrencyLimitWebFilter.class.getName(), true, hiding)
                        .getDeclaredMethods());
    }
}
