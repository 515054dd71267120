package io.github.reactorasyncio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a user inherits by depending on this artifact: reactor-core and nothing else. Every other dependency of the
 * pom is optional (the fetcher's Reactor Netty and HdrHistogram, the command line's picocli/Jackson, Spring,
 * Micrometer) or test scope, so Maven never passes it on; {@link LayeringTest} keeps the packages that need them
 * apart.
 */
class DependenciesTest {

    private record Dependency(String coordinates, String scope, boolean optional) {
        boolean inherited() {
            return !optional && (scope.equals("compile") || scope.equals("runtime"));
        }
    }

    private static List<Dependency> declared() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element dependencies = children(pom.getDocumentElement(), "dependencies").get(0);
        List<Dependency> out = new ArrayList<>();
        for (Element d : children(dependencies, "dependency")) {
            out.add(new Dependency(text(d, "groupId") + ":" + text(d, "artifactId"),
                    text(d, "scope").isEmpty() ? "compile" : text(d, "scope"), text(d, "optional").equals("true")));
        }
        return out;
    }

    private static List<Element> children(Element parent, String name) {
        return IntStream.range(0, parent.getChildNodes().getLength()).mapToObj(parent.getChildNodes()::item)
                .filter(n -> n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals(name))
                .map(Element.class::cast).toList();
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().trim();
    }

    /** The README's Maven snippet, read out of the README, names this artifact as the pom builds it. */
    @Test
    void theReadmesMavenSnippetNamesThisArtifact() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```xml\n");
        assertThat(start).as("the README has a Maven snippet").isNotNegative();
        String snippet = readme.substring(start + "```xml\n".length(), readme.indexOf("```", start + 6));
        var factory = DocumentBuilderFactory.newInstance();
        Element dependency = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(snippet.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        Element project = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile()).getDocumentElement();
        for (String field : List.of("groupId", "artifactId", "version")) {
            assertThat(text(dependency, field)).as(field).isEqualTo(text(project, field));
        }
        assertThat(readme).contains("implementation(\"" + text(project, "groupId") + ":"
                + text(project, "artifactId") + ":" + text(project, "version") + "\")");
    }

    @Test
    void aUserInheritsReactorCoreAlone() throws Exception {
        List<Dependency> declared = declared();
        assertThat(declared).as("the pom was read").hasSizeGreaterThan(10);
        assertThat(declared.stream().filter(Dependency::inherited).map(Dependency::coordinates))
                .containsExactly("io.projectreactor:reactor-core");
        assertThat(declared).as("the fetcher's, the command line's and Spring's libraries are optional")
                .filteredOn(d -> d.coordinates().startsWith("io.projectreactor.netty:")
                        || d.coordinates().startsWith("info.picocli:")
                        || d.coordinates().startsWith("org.hdrhistogram:")
                        || d.coordinates().startsWith("org.springframework:"))
                .hasSizeGreaterThanOrEqualTo(4)
                .allMatch(Dependency::optional);
    }
}
