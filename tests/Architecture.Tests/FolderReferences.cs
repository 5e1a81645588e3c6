using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Architecture.Tests;

/// <summary>One use of a type of folder <see cref="To"/> by a type of folder <see cref="From"/>, inside one assembly.</summary>
internal sealed record FolderReference(string From, string To, string FromType, string ToType);

/// <summary>
/// Reads which of an assembly's own types each of its types uses, from the metadata alone (nothing is loaded): base
/// types and interfaces, generic constraints, field, method and local signatures, attributes, caught exceptions and
/// every type, method and field token in method bodies. Nested and compiler-generated types (lambdas, async state
/// machines) count as their outermost type. A type's folder is its namespace below <c>rootNamespace</c>, with dots
/// read as slashes (<c>Adoption.Service.Api.Cases</c> is <c>Api/Cases</c>); types outside it (the global
/// namespace of <c>Program</c> and of anonymous types) are not in a folder.
/// </summary>
internal static class FolderReferences
{
    public static IReadOnlyList<FolderReference> Read(string assemblyPath, string rootNamespace)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var collector = new Collector(reader, pe);
        var found = new List<FolderReference>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var from = Outermost(reader, handle);
            var fromFolder = Folder(reader, from, rootNamespace);
            if (fromFolder is null)
            {
                continue;
            }

            foreach (var used in collector.UsedBy(handle))
            {
                var to = Outermost(reader, used);
                var toFolder = Folder(reader, to, rootNamespace);
                if (toFolder is not null && toFolder != fromFolder)
                {
                    found.Add(new FolderReference(fromFolder, toFolder, Name(reader, from), Name(reader, to)));
                }
            }
        }

        return found.Distinct().ToList();
    }

    /// <summary>The folders of the assembly's own types.</summary>
    public static IReadOnlySet<string> Folders(string assemblyPath, string rootNamespace)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.TypeDefinitions.Select(h => Folder(reader, Outermost(reader, h), rootNamespace)).OfType<string>().ToHashSet();
    }

    private static TypeDefinitionHandle Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        while (true)
        {
            var declaring = reader.GetTypeDefinition(handle).GetDeclaringType();
            if (declaring.IsNil)
            {
                return handle;
            }

            handle = declaring;
        }
    }

    private static string? Folder(MetadataReader reader, TypeDefinitionHandle handle, string rootNamespace)
    {
        var ns = reader.GetString(reader.GetTypeDefinition(handle).Namespace);
        if (ns == rootNamespace)
        {
            return "(root)";
        }

        return ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal) ? ns[(rootNamespace.Length + 1)..].Replace('.', '/') : null;
    }

    private static string Name(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var name = reader.GetString(reader.GetTypeDefinition(handle).Name);
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private sealed class Collector(MetadataReader reader, PEReader pe) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        private static readonly OpCode[] OneByte = new OpCode[0x100];
        private static readonly OpCode[] TwoByte = new OpCode[0x100];

        static Collector()
        {
            foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var code = (OpCode)field.GetValue(null)!;
                var value = (ushort)code.Value;
                if (value < 0x100)
                {
                    OneByte[value] = code;
                }
                else if ((value & 0xff00) == 0xfe00)
                {
                    TwoByte[value & 0xff] = code;
                }
            }
        }

        public HashSet<TypeDefinitionHandle> UsedBy(TypeDefinitionHandle handle)
        {
            var used = new HashSet<TypeDefinitionHandle>();
            var type = reader.GetTypeDefinition(handle);
            Entity(type.BaseType, used);
            foreach (var implementation in type.GetInterfaceImplementations())
            {
                Entity(reader.GetInterfaceImplementation(implementation).Interface, used);
            }

            Constraints(type.GetGenericParameters(), used);
            Attributes(type.GetCustomAttributes(), used);
            foreach (var fieldHandle in type.GetFields())
            {
                var field = reader.GetFieldDefinition(fieldHandle);
                used.UnionWith(field.DecodeSignature(this, null));
                Attributes(field.GetCustomAttributes(), used);
            }

            foreach (var eventHandle in type.GetEvents())
            {
                Entity(reader.GetEventDefinition(eventHandle).Type, used);
            }

            foreach (var propertyHandle in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(propertyHandle);
                var signature = property.DecodeSignature(this, null);
                used.UnionWith(signature.ReturnType);
                Attributes(property.GetCustomAttributes(), used);
            }

            foreach (var methodHandle in type.GetMethods())
            {
                Method(reader.GetMethodDefinition(methodHandle), used);
            }

            return used;
        }

        private void Method(MethodDefinition method, HashSet<TypeDefinitionHandle> used)
        {
            var signature = method.DecodeSignature(this, null);
            used.UnionWith(signature.ReturnType);
            foreach (var parameter in signature.ParameterTypes)
            {
                used.UnionWith(parameter);
            }

            Constraints(method.GetGenericParameters(), used);
            Attributes(method.GetCustomAttributes(), used);
            foreach (var parameterHandle in method.GetParameters())
            {
                Attributes(reader.GetParameter(parameterHandle).GetCustomAttributes(), used);
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null))
                {
                    used.UnionWith(local);
                }
            }

            foreach (var region in body.ExceptionRegions)
            {
                Entity(region.CatchType, used);
            }

            Instructions(body.GetILReader(), used);
        }

        private void Instructions(BlobReader il, HashSet<TypeDefinitionHandle> used)
        {
            while (il.RemainingBytes > 0)
            {
                var first = il.ReadByte();
                var code = first == 0xfe ? TwoByte[il.ReadByte()] : OneByte[first];
                switch (code.OperandType)
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.ReadByte();
                        break;
                    case OperandType.InlineVar:
                        il.ReadInt16();
                        break;
                    case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString or OperandType.InlineSig:
                        il.ReadInt32();
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.ReadInt64();
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32()), used);
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown operand type {code.OperandType} of {code.Name}.");
                }
            }
        }

        private void Entity(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    used.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    used.UnionWith(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null));
                    break;
                case HandleKind.MethodDefinition:
                    used.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    used.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(member.Parent, used);
                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(specification.Method, used);
                    foreach (var argument in specification.DecodeSignature(this, null))
                    {
                        used.UnionWith(argument);
                    }

                    break;
            }
        }

        private void Constraints(GenericParameterHandleCollection parameters, HashSet<TypeDefinitionHandle> used)
        {
            foreach (var parameterHandle in parameters)
            {
                foreach (var constraint in reader.GetGenericParameter(parameterHandle).GetConstraints())
                {
                    Entity(reader.GetGenericParameterConstraint(constraint).Type, used);
                }
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes, HashSet<TypeDefinitionHandle> used)
        {
            foreach (var attribute in attributes)
            {
                Entity(reader.GetCustomAttribute(attribute).Constructor, used);
            }
        }

        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            signature.ParameterTypes.Aggregate(signature.ReturnType, (all, next) => all.AddRange(next));

        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            typeArguments.Aggregate(genericType, (all, next) => all.AddRange(next));

        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
