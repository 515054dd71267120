package io.github.reactorasyncio;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which package of the library may use which: the layering that lets a core user depend on reactor-core alone and
 * keeps the command line out of the library's API. Read from the compiled main classes (tests, examples and
 * benchmarks are not the library).
 *
 * <pre>
 *   sync  &lt;-  task  &lt;-  http  &lt;-  cli        spring (uses sync; Spring and Micrometer only here)
 * </pre>
 */
class LayeringTest {

    private static final String ROOT = "io.github.reactorasyncio";
    private static final String[] NETTY = {"io.netty..", "reactor.netty.."};
    private static final String[] SPRING = {"org.springframework..", "io.micrometer.."};
    private static final String[] COMMAND_LINE_LIBRARIES = {"picocli..", "tools.jackson.."};
    private static final String HDR_HISTOGRAM = "org.HdrHistogram..";

    private static JavaClasses library;

    @BeforeAll
    static void importTheLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        assertThat(library.stream().map(c -> c.getPackageName()).distinct())
                .as("the import saw every package of the library")
                .contains(ROOT + ".sync", ROOT + ".task", ROOT + ".http", ROOT + ".cli", ROOT + ".spring");
    }

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    @Test
    void syncUsesNothingButReactorCore() {
        noClasses().that().resideInAPackage(pkg("sync"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("task"), pkg("http"), pkg("cli"), pkg("spring"))
                .orShould().dependOnClassesThat().resideInAnyPackage(NETTY)
                .check(library);
    }

    @Test
    void taskKnowsNothingOfTheFetcherTheCommandLineOrSpring() {
        noClasses().that().resideInAPackage(pkg("task"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("http"), pkg("cli"), pkg("spring"))
                .orShould().dependOnClassesThat().resideInAnyPackage(NETTY)
                .check(library);
    }

    @Test
    void theFetcherKnowsNothingOfTheCommandLine() {
        noClasses().that().resideInAPackage(pkg("http"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("cli"))
                .check(library);
    }

    @Test
    void onlyTheSpringPackagesUseSpringOrMicrometer() {
        springRule().check(library);
    }

    /** FetchSummary's latency histogram: an optional dependency, so the core must never load it. */
    @Test
    void onlyTheFetcherAndTheCommandLineUseHdrHistogram() {
        noClasses().that().resideOutsideOfPackages(pkg("http"), pkg("cli"))
                .should().dependOnClassesThat().resideInAPackage(HDR_HISTOGRAM)
                .check(library);
    }

    @Test
    void onlyTheCommandLineUsesPicocliOrJackson() {
        noClasses().that().resideOutsideOfPackage(pkg("cli"))
                .should().dependOnClassesThat().resideInAnyPackage(COMMAND_LINE_LIBRARIES)
                .check(library);
    }

    @Test
    void onlyTheFetcherAndTheCommandLineUseNetty() {
        noClasses().that().resideOutsideOfPackages(pkg("http"), pkg("cli"))
                .should().dependOnClassesThat().resideInAnyPackage(NETTY)
                .check(library);
    }

    /** The rules can fail: with the spring packages' exemption taken away, the same rule finds their imports. */
    @Test
    void theRulesSeeRealDependencies() {
        ArchRule withoutExemption = noClasses().should().dependOnClassesThat().resideInAnyPackage(SPRING);
        assertThat(withoutExemption.evaluate(library).hasViolation()).isTrue();
        assertThat(springRule().evaluate(library).hasViolation()).isFalse();
    }

    private static ArchRule springRule() {
        return noClasses().that().resideOutsideOfPackage(pkg("spring"))
                .should().dependOnClassesThat().resideInAnyPackage(SPRING);
    }
}
