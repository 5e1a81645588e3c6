namespace Reliability.Tests.Support;

/// <summary>
/// The case type these tests drive: declared in configuration only (no code), so the same declaration works for the
/// in-memory host (configuration keys) and the real service binary (environment variables).
/// </summary>
internal static class BlobCaseType
{
    public const string Id = "RL_Blob";
    public const string Jurisdiction = "RELIAB";

    /// <summary>Creates publish an outbox message; updates publish too; <c>note</c> is additive and publishes nothing.</summary>
    public static Dictionary<string, string?> Configuration() => new()
    {
        ["Ccd:CaseTypes:0:Id"] = Id,
        ["Ccd:CaseTypes:0:Jurisdiction"] = Jurisdiction,
        ["Ccd:CaseTypes:0:Events:0:Id"] = "create",
        ["Ccd:CaseTypes:0:Events:0:Name"] = "Create a case",
        ["Ccd:CaseTypes:0:Events:0:Publish"] = "true",
        ["Ccd:CaseTypes:0:Events:0:PublishedFields:0:Name"] = "text",
        ["Ccd:CaseTypes:0:Events:1:Id"] = "update",
        ["Ccd:CaseTypes:0:Events:1:Publish"] = "true",
        ["Ccd:CaseTypes:0:Events:2:Id"] = "note",
        ["Ccd:CaseTypes:0:Events:2:Additive"] = "true",
    };

    /// <summary>The same declaration as environment variables (<c>Ccd__CaseTypes__0__Id</c>, ...).</summary>
    public static Dictionary<string, string?> Environment() =>
        Configuration().ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);
}
