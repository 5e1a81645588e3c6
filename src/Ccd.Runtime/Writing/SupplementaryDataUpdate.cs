using System.Text.Json;
using System.Text.Json.Nodes;
using Ccd.Runtime.Problems;

namespace Ccd.Runtime.Writing;

/// <summary>
/// A checked <c>supplementary_data_updates</c> request: <c>$set</c> and <c>$inc</c> operations on dotted paths,
/// applied in request order to a copy of the case's object, so all of them apply or none does.
/// </summary>
internal sealed class SupplementaryDataUpdate
{
    private const string Field = "supplementary_data_updates";

    private readonly List<(string Operator, string Path, string[] Segments, JsonNode? Value)> _operations;

    private SupplementaryDataUpdate(List<(string, string, string[], JsonNode?)> operations) => _operations = operations;

    /// <summary>Checks the request body's shape; everything that does not need the stored data is refused here with 400.</summary>
    public static SupplementaryDataUpdate Parse(JsonNode? body)
    {
        if (body is not JsonObject root || root[Field] is not JsonObject updates || updates.Count == 0)
        {
            throw ProblemException.BadRequest(Field, $"{Field} must be a non-empty object of operations ($set, $inc).");
        }

        var operations = new List<(string, string, string[], JsonNode?)>();
        foreach (var (op, values) in updates)
        {
            if (op is not ("$set" or "$inc"))
            {
                throw ProblemException.BadRequest($"{Field}.{op}", $"'{op}' is not a supported operator; use $set or $inc.");
            }

            if (values is not JsonObject paths || paths.Count == 0)
            {
                throw ProblemException.BadRequest($"{Field}.{op}", $"{Field}.{op} must be a non-empty object of dotted paths to values.");
            }

            foreach (var (path, value) in paths)
            {
                var segments = path.Split('.');
                if (segments.Any(string.IsNullOrWhiteSpace))
                {
                    throw ProblemException.BadRequest($"{Field}.{op}", $"Path '{path}' has an empty segment.");
                }

                if (op == "$inc" && !IsInteger(value))
                {
                    throw ProblemException.BadRequest($"{Field}.$inc", $"$inc of '{path}' must be an integer.");
                }

                operations.Add((op, path, segments, value));
            }
        }

        return new SupplementaryDataUpdate(operations);
    }

    /// <summary>Applies the operations to a copy of <paramref name="current"/>; 400 when a path goes through a non-object or increments a non-integer.</summary>
    public JsonObject ApplyTo(JsonObject current)
    {
        var result = (JsonObject)current.DeepClone();
        foreach (var (op, path, segments, value) in _operations)
        {
            var parent = result;
            foreach (var segment in segments[..^1])
            {
                switch (parent[segment])
                {
                    case JsonObject child:
                        parent = child;
                        break;
                    case null when !parent.ContainsKey(segment) || parent[segment] is null:
                        var created = new JsonObject();
                        parent[segment] = created;
                        parent = created;
                        break;
                    default:
                        throw ProblemException.BadRequest($"{Field}.{op}", $"Path '{path}' goes through '{segment}', which is not an object.");
                }
            }

            var leaf = segments[^1];
            if (op == "$set")
            {
                parent[leaf] = value?.DeepClone();
                continue;
            }

            var existing = parent[leaf];
            if (existing is not null && !IsInteger(existing))
            {
                throw ProblemException.BadRequest($"{Field}.$inc", $"$inc of '{path}' needs an integer there, but it holds {existing.GetValueKind()}.");
            }

            try
            {
                parent[leaf] = checked((existing?.GetValue<long>() ?? 0) + value!.GetValue<long>());
            }
            catch (OverflowException)
            {
                throw ProblemException.BadRequest($"{Field}.$inc", $"$inc of '{path}' would overflow a 64-bit integer.");
            }
        }

        return result;
    }

    private static bool IsInteger(JsonNode? node) =>
        node is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<long>(out _);
}
