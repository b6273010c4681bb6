package dev.shard.jdbc.internal;

import java.io.IOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes the JDBC boilerplate of Shard's result sets from {@code java.sql.ResultSet} by reflection, so that the
 * two hundred methods that only forward or refuse are neither typed nor reviewed by hand:
 * <ul>
 *   <li>{@code DelegatingResultSet}: every method calls the same method of the physical result set, except
 *       getStatement and close, which {@code ShardResultSet} writes because they concern the logical statement;
 *   <li>{@code ForwardOnlyReadOnlyResultSet}: what follows from a result that is forward-only and read-only.
 *       Getters by label find the column and call the getter by index; scrolling and every update refuse with
 *       {@code SQLFeatureNotSupportedException}. {@code MergedResultSet} writes the rest.
 * </ul>
 *
 * <p>The output is checked in, so that an IDE compiles the module without running a build step first;
 * {@code ResultSetBaseGeneratorTest} fails when it differs from what this class writes. It needs nothing but the
 * JDK, so it also runs as a single source file, before anything is compiled: see {@link #REGENERATE}.
 */
final class ResultSetBaseGenerator {

    static final String REGENERATE = "java shard-jdbc/src/test/java/dev/shard/jdbc/internal/ResultSetBaseGenerator.java"
            + " shard-jdbc/src/main/java";

    static final String PACKAGE = "dev.shard.jdbc.internal";

    /** The project's line width; a longer signature puts its throws clause on the next line. */
    private static final int MAX_LINE = 120;

    /** The generated classes, by simple name. */
    static final List<String> CLASSES = List.of("DelegatingResultSet", "ForwardOnlyReadOnlyResultSet");

    /** Moving any other way than next(): refused by a forward-only result. */
    private static final Set<String> SCROLLING = Set.of("absolute", "afterLast", "beforeFirst", "first", "last",
            "previous", "relative");

    /** Row changes other than the update* column setters: refused by a read-only result. */
    private static final Set<String> ROW_CHANGES = Set.of("cancelRowUpdates", "deleteRow", "insertRow",
            "moveToCurrentRow", "moveToInsertRow", "refreshRow", "rowDeleted", "rowInserted", "rowUpdated");

    /** Names of an int first parameter that is not a column. */
    private static final Map<String, String> COUNT_PARAMETERS = Map.of("absolute", "row", "relative", "rows",
            "setFetchDirection", "direction", "setFetchSize", "rows");

    private ResultSetBaseGenerator() {
    }

    /** Writes every generated class into the source root given as the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: " + REGENERATE);
        }
        Path directory = Path.of(args[0]).resolve(PACKAGE.replace('.', '/'));
        for (String name : CLASSES) {
            Path file = directory.resolve(name + ".java");
            Files.writeString(file, source(name));
            System.out.println("wrote " + file);
        }
    }

    /** The source of one of {@link #CLASSES}. */
    static String source(String name) {
        return switch (name) {
            case "DelegatingResultSet" -> delegating();
            case "ForwardOnlyReadOnlyResultSet" -> forwardOnlyReadOnly();
            default -> throw new IllegalArgumentException("not a generated class: " + name);
        };
    }

    private static String delegating() {
        JavaFile file = new JavaFile("DelegatingResultSet", """
                /**
                 * A ResultSet that hands every call to {@link #delegate}, the physical result set, except getStatement and
                 * close: those concern the logical statement and are written by hand in the subclass.
                 */""");
        file.imports.add("java.sql.SQLException");
        file.members.add("""
                    final ResultSet delegate;

                    DelegatingResultSet(ResultSet delegate) {
                        this.delegate = delegate;
                    }

                    @Override
                    Object unwrapTarget() {
                        return delegate;
                    }
                """);
        for (Method method : resultSetMethods()) {
            if (method.getName().equals("getStatement") || method.getName().equals("close")) {
                continue;
            }
            String call = "delegate." + method.getName() + "(" + String.join(", ", parameterNames(method)) + ")";
            file.members.add(override(file, method, (method.getReturnType() == void.class ? "" : "return ") + call));
        }
        return file.render();
    }

    private static String forwardOnlyReadOnly() {
        JavaFile file = new JavaFile("ForwardOnlyReadOnlyResultSet", """
                /**
                 * What follows from a result that is forward-only and read-only, as a merged result is: getters by label find
                 * the column and call the getter by index; scrolling and every update refuse, naming the method and why. The
                 * subclass writes navigation by next(), the getters by index, findColumn and the lifecycle.
                 */""");
        file.imports.add("java.sql.SQLException");
        file.imports.add("java.sql.SQLFeatureNotSupportedException");
        file.members.add("""
                    static SQLFeatureNotSupportedException readOnly(String method) {
                        return unsupported(method, "a result merged from several shards is read-only");
                    }

                    static SQLFeatureNotSupportedException forwardOnly(String method) {
                        return unsupported(method, "a result merged from several shards is forward-only");
                    }
                """);
        for (Method method : resultSetMethods()) {
            String name = method.getName();
            List<String> parameters = parameterNames(method);
            String body;
            if (SCROLLING.contains(name)) {
                body = "throw forwardOnly(\"" + name + "\")";
            } else if (name.startsWith("update") || ROW_CHANGES.contains(name)) {
                body = "throw readOnly(\"" + name + "\")";
            } else if (name.startsWith("get") && !parameters.isEmpty() && parameters.get(0).equals("columnLabel")) {
                List<String> arguments = new ArrayList<>(parameters);
                arguments.set(0, "findColumn(columnLabel)");
                body = "return " + name + "(" + String.join(", ", arguments) + ")";
            } else {
                continue;
            }
            file.members.add(override(file, method, body));
        }
        return file.render();
    }

    /** The methods ResultSet itself declares, in a stable order (reflection promises none). */
    private static List<Method> resultSetMethods() {
        return Arrays.stream(ResultSet.class.getMethods())
                .filter(m -> m.getDeclaringClass() == ResultSet.class && !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparing(Method::getName)
                        .thenComparingInt(Method::getParameterCount)
                        .thenComparing(m -> Arrays.toString(m.getParameterTypes())))
                .toList();
    }

    private static String override(JavaFile file, Method method, String statement) {
        StringBuilder out = new StringBuilder("    @Override\n");
        if (method.isAnnotationPresent(Deprecated.class)) {
            out.append("    @Deprecated\n");
        }
        out.append("    public ");
        TypeVariable<Method>[] typeParameters = method.getTypeParameters();
        if (typeParameters.length > 0) {
            out.append(Arrays.stream(typeParameters).map(t -> typeParameter(file, t))
                    .collect(Collectors.joining(", ", "<", "> ")));
        }
        out.append(file.type(method.getGenericReturnType())).append(' ').append(method.getName()).append('(');
        Type[] types = method.getGenericParameterTypes();
        List<String> names = parameterNames(method);
        for (int i = 0; i < types.length; i++) {
            out.append(i == 0 ? "" : ", ").append(file.type(types[i])).append(' ').append(names.get(i));
        }
        out.append(')');
        if (method.getExceptionTypes().length > 0) {
            String exceptions = Arrays.stream(method.getExceptionTypes()).map(file::type)
                    .collect(Collectors.joining(", ", "throws ", ""));
            int signature = out.length() - out.lastIndexOf("\n") - 1;
            boolean fits = signature + " ".length() + exceptions.length() + " {".length() <= MAX_LINE;
            out.append(fits ? " " : "\n            ").append(exceptions);
        }
        return out.append(" {\n        ").append(statement).append(";\n    }\n").toString();
    }

    private static String typeParameter(JavaFile file, TypeVariable<?> variable) {
        List<Type> bounds = Arrays.stream(variable.getBounds()).filter(b -> b != Object.class).toList();
        return bounds.isEmpty() ? variable.getName() : variable.getName() + " extends "
                + bounds.stream().map(file::type).collect(Collectors.joining(" & "));
    }

    /**
     * Names as the JDBC documentation mostly spells them (columnIndex, columnLabel, x becomes value), so that the
     * generated code reads like the interface.
     */
    private static List<String> parameterNames(Method method) {
        Class<?>[] types = method.getParameterTypes();
        String name = method.getName();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i];
            String parameter;
            if (i == 0 && type == String.class) {
                parameter = "columnLabel";
            } else if (i == 0 && type == int.class) {
                parameter = COUNT_PARAMETERS.getOrDefault(name, "columnIndex");
            } else if (type == java.util.Calendar.class) {
                parameter = "calendar";
            } else if (type == Map.class) {
                parameter = "map";
            } else if (type == Class.class) {
                parameter = "type";
            } else if (type == java.sql.SQLType.class) {
                parameter = "targetSqlType";
            } else if (i == 1 && name.startsWith("update")) {
                parameter = "value";
            } else if (type == int.class && name.equals("getBigDecimal")) {
                parameter = "scale";
            } else if (type == int.class && name.equals("updateObject")) {
                parameter = "scaleOrLength";
            } else if (type == int.class || type == long.class) {
                parameter = "length";
            } else {
                parameter = "arg" + i;
            }
            names.add(parameter);
        }
        return names;
    }

    /** One compilation unit: imports are collected while the members are rendered. */
    private static final class JavaFile {
        final String name;
        final String javadoc;
        /** Simple name to qualified name; a second class of the same simple name would be an error. */
        final Map<String, String> importsBySimpleName = new TreeMap<>();
        final List<String> imports = new ArrayList<>(List.of("java.sql.ResultSet"));
        final List<String> members = new ArrayList<>();

        JavaFile(String name, String javadoc) {
            this.name = name;
            this.javadoc = javadoc;
        }

        String type(Type type) {
            if (type instanceof Class<?> c) {
                if (c.isArray()) {
                    return type(c.getComponentType()) + "[]";
                }
                if (!c.isPrimitive() && !c.getPackageName().equals("java.lang")) {
                    String previous = importsBySimpleName.putIfAbsent(c.getSimpleName(), c.getName());
                    if (previous != null && !previous.equals(c.getName())) {
                        throw new IllegalStateException("two types named " + c.getSimpleName() + ": " + previous
                                + " and " + c.getName() + "; qualify one of them in the generator");
                    }
                }
                return c.getSimpleName();
            }
            if (type instanceof ParameterizedType p) {
                return type(p.getRawType()) + Arrays.stream(p.getActualTypeArguments()).map(this::type)
                        .collect(Collectors.joining(", ", "<", ">"));
            }
            if (type instanceof WildcardType w) {
                if (w.getLowerBounds().length > 0) {
                    return "? super " + type(w.getLowerBounds()[0]);
                }
                Type upper = w.getUpperBounds()[0];
                return upper == Object.class ? "?" : "? extends " + type(upper);
            }
            if (type instanceof TypeVariable<?> v) {
                return v.getName();
            }
            if (type instanceof GenericArrayType a) {
                return type(a.getGenericComponentType()) + "[]";
            }
            throw new IllegalStateException("cannot write type " + type);
        }

        String render() {
            imports.forEach(i -> importsBySimpleName.putIfAbsent(i.substring(i.lastIndexOf('.') + 1), i));
            StringBuilder out = new StringBuilder()
                    .append("// Generated by ResultSetBaseGenerator from java.sql.ResultSet; do not edit. To regenerate,")
                    .append(" run in the repository:\n//   ").append(REGENERATE).append('\n')
                    .append("package ").append(PACKAGE).append(";\n\n");
            importsBySimpleName.values().stream().sorted()
                    .forEach(i -> out.append("import ").append(i).append(";\n"));
            out.append('\n').append(javadoc).append('\n')
                    .append("@SuppressWarnings(\"deprecation\") // getUnicodeStream, getBigDecimal(column, scale)\n")
                    .append("abstract class ").append(name).append(" extends JdbcWrapper implements ResultSet {\n");
            for (String member : members) {
                out.append('\n').append(member);
            }
            return out.append("}\n").toString();
        }
    }
}
