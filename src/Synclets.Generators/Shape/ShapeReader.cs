using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Synclets.Generators.Shape;

/// <summary>
/// Reads an annotated type into a <see cref="TreeModel"/>, and lists every problem that stops it
/// from syncing. The one place the rules live: the analyzer reports the problems, the generator
/// emits code only for a type that has none.
/// </summary>
internal static class ShapeReader
{
    public const string SyncTreeAttribute = "Synclets.SyncTreeAttribute";
    private const string SyncKeyAttribute = "Synclets.SyncKeyAttribute";
    private const string SyncIgnoreAttribute = "Synclets.SyncIgnoreAttribute";
    private const string SyncIndexAttribute = "Synclets.SyncIndexAttribute";
    private const string SyncColumnAttribute = "Synclets.SyncColumnAttribute";
    private const string SyncTableType = "Synclets.SyncTable<TRow>";
    private const char ReservedPrefix = '\uFFFA';

    public static (TreeModel? Model, List<Problem> Problems) Read(INamedTypeSymbol type, AttributeData attribute, CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        var location = type.Locations.FirstOrDefault() ?? Location.None;
        var depth = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is int d ? d : 0;
        var naming = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Naming").Value.Value is int n ? n : Naming.AsWritten;

        if (!IsPartial(type))
        {
            problems.Add(new Problem(DiagnosticIds.NotPartial, location, type.Name));
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer))
            {
                problems.Add(new Problem(DiagnosticIds.UnreachableNesting, location, type.Name, outer.Name));
            }
        }

        if (depth < 1 || type.IsValueType || type.IsStatic || type.IsAbstract || type.IsGenericType)
        {
            var why = depth < 1 ? $"depth {depth} is not a tree (the depth is at least 1)"
                : type.IsValueType ? "a struct cannot be a typed tree; use a record class or a class"
                : type.IsStatic ? "a static class cannot be a typed tree"
                : type.IsAbstract ? "an abstract type cannot be rebuilt from its atoms"
                : "a generic type cannot be a typed tree";
            problems.Add(new Problem(DiagnosticIds.UnsupportedShape, location, type.Name, why));
            return (null, problems);
        }

        if (depth > 3)
        {
            problems.Add(new Problem(DiagnosticIds.UnsupportedShape, location, type.Name, $"depth {depth} has no typed store (typed stores cover depths 1 to 3); use the Synclet API with plain addresses"));
            return (null, problems);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var columns = new List<ColumnModel>();
        var tables = new List<TableModel>();
        ColumnModel? key = null;
        var usesConstructor = false;
        if (depth == 3)
        {
            ReadTables(type, naming, tables, problems);
        }
        else
        {
            (key, usesConstructor) = ReadColumns(type, depth, naming, columns, problems, location);
        }

        CheckIds(columns.Select(c => (c.Id, c.PropertyName)).Concat(tables.Select(t => (t.Id, t.PropertyName))), type, problems, location);
        var indexes = ReadIndexes(type, depth, key is null ? columns : [.. columns, key], problems);
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var containing = new List<ContainingType>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingType(Keyword(outer), outer.Name));
        }

        var model = new TreeModel(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Keyword(type),
            new EquatableArray<ContainingType>(containing),
            depth,
            new EquatableArray<ColumnModel>(columns),
            key,
            usesConstructor,
            new EquatableArray<TableModel>(tables),
            ReachableAs(type),
            new EquatableArray<IndexModel>(indexes));
        return (model, problems);
    }

    /// <summary>The [SyncIndex] attributes of a row record, each property named turned into its column id.</summary>
    private static List<IndexModel> ReadIndexes(INamedTypeSymbol type, int depth, List<ColumnModel> columns, List<Problem> problems)
    {
        var indexes = new List<IndexModel>();
        foreach (var attribute in type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == SyncIndexAttribute))
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None;
            var named = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
                ? attribute.ConstructorArguments[0].Values.Select(v => v.Value as string).ToList()
                : [];
            var why = depth != 2 ? $"indexes are for the tables of row records, and '{type.Name}' is a depth-{depth} type"
                : named.Count == 0 ? "it names no property"
                : named.FindIndex(name => !columns.Any(c => c.PropertyName == name)) is var unknown and >= 0 ? $"'{named[unknown] ?? "null"}' is not a synced property of '{type.Name}' (name properties with nameof)"
                : named.Distinct().Count() < named.Count ? "it names a property twice"
                : null;
            if (why is not null)
            {
                problems.Add(new Problem(DiagnosticIds.UnusableIndex, location, type.Name, why));
                continue;
            }

            indexes.Add(new IndexModel(new EquatableArray<string>([.. named.Select(name => columns.First(c => c.PropertyName == name).Id)])));
        }

        return indexes;
    }

    /// <summary>"public" when the type and every type it is nested in are public, "internal" when each is public or internal, else null.</summary>
    private static string? ReachableAs(INamedTypeSymbol type)
    {
        var reachable = "public";
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            switch (current.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal:
                    reachable = "internal";
                    break;
                default:
                    return null;
            }
        }

        return reachable;
    }

    private static (ColumnModel? Key, bool UsesConstructor) ReadColumns(INamedTypeSymbol type, int depth, int naming, List<ColumnModel> columns, List<Problem> problems, Location typeLocation)
    {
        var properties = InstanceProperties(type).Where(p => !HasAttribute(p, SyncIgnoreAttribute)).ToList();
        var constructor = ChooseConstructor(type, properties);
        IPropertySymbol? keyProperty = null;
        if (depth == 2)
        {
            keyProperty = properties.FirstOrDefault(p => HasAttribute(p, SyncKeyAttribute) || ConstructorParameter(constructor, p) is { } parameter && HasAttribute(parameter, SyncKeyAttribute))
                ?? properties.FirstOrDefault(p => p.Name == "Id");
            if (keyProperty is null)
            {
                problems.Add(new Problem(DiagnosticIds.MissingKey, typeLocation, type.Name));
            }
        }

        if (constructor is null)
        {
            problems.Add(new Problem(DiagnosticIds.NotSettable, typeLocation, type.Name, "(the type)", "it has neither a parameterless constructor nor one whose parameters all match its properties"));
            return (null, false);
        }

        ColumnModel? key = null;
        foreach (var property in properties)
        {
            var parameter = ConstructorParameter(constructor, property);
            var propertyLocation = property.Locations.FirstOrDefault() ?? typeLocation;
            if (property.Type is INamedTypeSymbol { IsGenericType: true } table && table.OriginalDefinition.ToDisplayString() == SyncTableType)
            {
                problems.Add(new Problem(DiagnosticIds.TableOutsideContainer, propertyLocation, property.Name, type.Name, depth.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }

            if (parameter is null && (property.SetMethod is null || property.SetMethod.DeclaredAccessibility != Accessibility.Public))
            {
                problems.Add(new Problem(DiagnosticIds.NotSettable, propertyLocation, type.Name, property.Name, "it has no public setter or init accessor and is not a constructor parameter"));
                continue;
            }

            var column = ReadColumn(property, parameter, constructor, naming);
            if (SymbolEqualityComparer.Default.Equals(property, keyProperty))
            {
                if (column is null || column.IsNullableValue || column.IsNullableReference || !IsKeyKind(column.Kind))
                {
                    problems.Add(new Problem(DiagnosticIds.UnusableKey, propertyLocation, property.Name, property.Type.ToDisplayString()));
                }
                else
                {
                    key = column;
                }

                continue;
            }

            if (column is null)
            {
                problems.Add(new Problem(DiagnosticIds.UnsupportedPropertyType, propertyLocation, property.Name, property.Type.ToDisplayString(), Suggestion(property.Type)));
                continue;
            }

            columns.Add(column);
        }

        return (key, constructor.Parameters.Length > 0);
    }

    private static ColumnModel? ReadColumn(IPropertySymbol property, IParameterSymbol? parameter, IMethodSymbol constructor, int naming)
    {
        var type = property.Type;
        var nullableValue = false;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
            nullableValue = true;
        }

        var (kind, min, max) = KindOf(type);
        if (kind is null)
        {
            return null;
        }

        var column = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SyncColumnAttribute);
        var id = column?.ConstructorArguments.FirstOrDefault().Value as string ?? Naming.Apply(naming, property.Name);
        var asNumber = column?.NamedArguments.FirstOrDefault(a => a.Key == "AsNumber").Value.Value is true;
        var position = parameter is null ? -1 : constructor.Parameters.IndexOf(parameter);
        return new ColumnModel(
            property.Name,
            id,
            kind.Value,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            nullableValue,
            !type.IsValueType && property.NullableAnnotation == NullableAnnotation.Annotated,
            asNumber,
            min,
            max,
            position,
            DefaultExpression(property, parameter));
    }

    private static (ValueKind? Kind, string? Min, string? Max) KindOf(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return (ValueKind.Enum, null, null);
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String: return (ValueKind.String, null, null);
            case SpecialType.System_Boolean: return (ValueKind.Boolean, null, null);
            case SpecialType.System_Double: return (ValueKind.Double, null, null);
            case SpecialType.System_Single: return (ValueKind.Single, null, null);
            case SpecialType.System_Decimal: return (ValueKind.Decimal, null, null);
            case SpecialType.System_UInt64: return (ValueKind.UInt64, null, null);
            case SpecialType.System_DateTime: return (ValueKind.DateTime, null, null);
            case SpecialType.System_Int64:
            case SpecialType.System_Int32:
            case SpecialType.System_Int16:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_UInt16:
            case SpecialType.System_UInt32:
                var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                return (ValueKind.Integer, name + ".MinValue", name + ".MaxValue");
        }

        return type.ToDisplayString() switch
        {
            "System.Guid" => (ValueKind.Guid, null, null),
            "System.DateTimeOffset" => (ValueKind.DateTimeOffset, null, null),
            "System.DateOnly" => (ValueKind.DateOnly, null, null),
            "System.TimeOnly" => (ValueKind.TimeOnly, null, null),
            _ => (null, null, null),
        };
    }

    private static bool IsKeyKind(ValueKind kind) => kind is ValueKind.String or ValueKind.Integer or ValueKind.UInt64 or ValueKind.Guid or ValueKind.Enum;

    private static string Suggestion(ITypeSymbol type) =>
        type.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T) && type.SpecialType != SpecialType.System_String
            ? "A collection usually wants a table of its own: a depth-3 container with a SyncTable of row records. Or mark it [SyncIgnore]."
            : "Store its parts as separate properties, or mark it [SyncIgnore].";

    private static void ReadTables(INamedTypeSymbol type, int naming, List<TableModel> tables, List<Problem> problems)
    {
        foreach (var property in InstanceProperties(type))
        {
            if (HasAttribute(property, SyncIgnoreAttribute))
            {
                continue;
            }

            var location = property.Locations.FirstOrDefault() ?? Location.None;
            var isTable = property.Type is INamedTypeSymbol { IsGenericType: true } named
                && named.OriginalDefinition.ToDisplayString() == SyncTableType
                && named.TypeArguments[0].GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == SyncTreeAttribute && a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is 2);
            if (!isTable || !property.IsPartialDefinition || HasUserImplementation(property) || property.SetMethod is not null)
            {
                var why = !isTable ? $"its type is {property.Type.ToDisplayString()}, not SyncTable<TRow> of a [SyncTree(depth: 2)] record"
                    : "it must be a get-only partial property with no body, for the generator to implement";
                problems.Add(new Problem(DiagnosticIds.NotATable, location, property.Name, type.Name, why));
                continue;
            }

            var column = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == SyncColumnAttribute);
            var id = column?.ConstructorArguments.FirstOrDefault().Value as string ?? Naming.Apply(naming, property.Name);
            var rowType = ((INamedTypeSymbol)property.Type).TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            tables.Add(new TableModel(property.Name, id, rowType, Modifiers(property)));
        }

        if (tables.Count == 0 && problems.Count == 0)
        {
            problems.Add(new Problem(DiagnosticIds.UnsupportedShape, type.Locations.FirstOrDefault() ?? Location.None, type.Name, "a depth-3 container needs at least one 'public partial SyncTable<TRow> Name { get; }' property"));
        }
    }

    /// <summary>
    /// True when the user wrote a body for the partial table property. The analyzers run over the
    /// compilation with the generator's output in it, where our own implementation part is
    /// present: that one does not count (a depth-3 container failed with SYNC006 in every real build).
    /// </summary>
    private static bool HasUserImplementation(IPropertySymbol property) =>
        property.PartialImplementationPart is { } implementation
        && !implementation.DeclaringSyntaxReferences.All(reference => reference.SyntaxTree.FilePath.EndsWith(TreeModel.HintSuffix, StringComparison.Ordinal));

    private static void CheckIds(IEnumerable<(string Id, string Property)> ids, INamedTypeSymbol type, List<Problem> problems, Location location)
    {
        var seen = new Dictionary<string, string>();
        foreach (var (id, property) in ids)
        {
            if (id.Length == 0 || id[0] == ReservedPrefix)
            {
                problems.Add(new Problem(DiagnosticIds.ReservedId, PropertyLocation(type, property, location), property, id.Length == 0 ? "an empty id" : "an id that starts with U+FFFA, which is reserved for the system"));
            }

            if (seen.TryGetValue(id, out var first))
            {
                problems.Add(new Problem(DiagnosticIds.DuplicateId, PropertyLocation(type, property, location), first, property, id));
            }
            else
            {
                seen[id] = property;
            }
        }
    }

    private static Location PropertyLocation(INamedTypeSymbol type, string property, Location fallback) =>
        type.GetMembers(property).FirstOrDefault()?.Locations.FirstOrDefault() ?? fallback;

    private static IEnumerable<IPropertySymbol> InstanceProperties(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IPropertySymbol>().Where(p => !p.IsStatic && !p.IsIndexer && p.DeclaredAccessibility == Accessibility.Public && p.Name != "EqualityContract");

    private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, List<IPropertySymbol> properties)
    {
        var names = new HashSet<string>(InstanceProperties(type).Select(p => p.Name), System.StringComparer.OrdinalIgnoreCase);
        return type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public && !IsCopyConstructor(c, type) && c.Parameters.All(p => names.Contains(p.Name)))
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
    }

    private static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type) =>
        constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    private static IParameterSymbol? ConstructorParameter(IMethodSymbol? constructor, IPropertySymbol property) =>
        constructor?.Parameters.FirstOrDefault(p => string.Equals(p.Name, property.Name, System.StringComparison.OrdinalIgnoreCase));

    private static string? DefaultExpression(IPropertySymbol property, IParameterSymbol? parameter)
    {
        if (parameter is not null)
        {
            return parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is ParameterSyntax { Default: { } value } ? value.Value.ToString() : null;
        }

        return property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is PropertyDeclarationSyntax { Initializer: { } initializer } ? initializer.Value.ToString() : null;
    }

    private static bool HasAttribute(ISymbol symbol, string name) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == name);

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(m => m.Text == "partial"));

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, IsValueType: true } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Interface } => "interface",
        { IsValueType: true } => "struct",
        _ => "class",
    };

    private static string Modifiers(IPropertySymbol property) => property.DeclaredAccessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
