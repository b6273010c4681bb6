package dev.shard.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The generated result set bases in src/main/java are exactly what ResultSetBaseGenerator writes. */
class ResultSetBaseGeneratorTest {

    static final List<String> CLASSES = ResultSetBaseGenerator.CLASSES;

    @ParameterizedTest
    @FieldSource("CLASSES")
    void theCheckedInSourceIsWhatTheGeneratorWrites(String name) throws IOException {
        // Surefire runs in the module's directory.
        Path file = Path.of("src/main/java", ResultSetBaseGenerator.PACKAGE.replace('.', '/'), name + ".java");
        String checkedIn = Files.readString(file).replace("\r\n", "\n");
        assertThat(checkedIn)
                .as("%s differs from what ResultSetBaseGenerator writes (edited by hand, or the generator or the JDK"
                        + " changed); run from the repository root: %s", file, ResultSetBaseGenerator.REGENERATE)
                .isEqualTo(ResultSetBaseGenerator.source(name));
    }

    @Test
    void onlyGetStatementAndCloseAreLeftToTheSingleShardResultSet() {
        assertThat(Arrays.stream(DelegatingResultSet.class.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()) && m.getDeclaringClass() != Object.class)
                .map(Method::getName))
                .containsExactlyInAnyOrder("getStatement", "close");
    }

    @Test
    void theMergedResultSetWritesNoLabelGetterScrollingOrUpdate() {
        for (Method method : MergedResultSet.class.getDeclaredMethods()) {
            boolean byLabel = method.getParameterCount() > 0 && method.getParameterTypes()[0] == String.class
                    && method.getName().startsWith("get");
            boolean update = method.getName().startsWith("update");
            assertThat(byLabel || update).as("%s is generated in ForwardOnlyReadOnlyResultSet", method).isFalse();
        }
    }
}
