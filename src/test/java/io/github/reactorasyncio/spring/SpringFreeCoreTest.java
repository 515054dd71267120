package io.github.reactorasyncio.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.reactorasyncio.sync.Semaphore;
import org.junit.jupiter.api.Test;

/**
 * Core users without Spring or Micrometer on the classpath are unaffected: no class outside the {@code spring}
 * packages refers to either, checked two ways.
 */
class SpringFreeCoreTest {

    private static final List<String> OPTIONAL = List.of("org/springframework/", "io/micrometer/");
    private static final String SPRING_PACKAGE = "io/github/reactorasyncio/spring/";

    private static Path mainClasses() throws URISyntaxException {
        return Path.of(Semaphore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * Every class name a class file refers to is a UTF-8 entry of its constant pool, stored verbatim (internal
     * form, {@code org/springframework/...}), so a byte search over the file finds every reference.
     */
    @Test
    void noCoreClassFileMentionsSpringOrMicrometer() throws Exception {
        Path root = mainClasses();
        Map<String, List<String>> offenders;
        List<Path> scanned;
        try (Stream<Path> files = Files.walk(root)) {
            scanned = files.filter(f -> f.toString().endsWith(".class")).toList();
        }
        offenders = scanned.stream()
                .filter(f -> !root.relativize(f).toString().replace('\\', '/').startsWith(SPRING_PACKAGE))
                .collect(Collectors.toMap(f -> root.relativize(f).toString(), SpringFreeCoreTest::optionalReferences))
                .entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(scanned).as("the scan found the compiled classes, spring ones included")
                .anySatisfy(f -> assertThat(f.toString()).contains("sync"))
                .anySatisfy(f -> assertThat(f.toString()).contains("ConcurrencyLimitWebFilter"));
        assertThat(offenders).isEmpty();
        assertThat(optionalReferences(root.resolve(SPRING_PACKAGE + "ConcurrencyLimitWebFilter.class")))
                .as("the check can fail: it sees the spring package's references").isNotEmpty();
    }

    private static List<String> optionalReferences(Path classFile) {
        try {
            String bytes = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return OPTIONAL.stream().filter(bytes::contains).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
