namespace Ccd.Runtime.CaseTypes;

/// <summary>Which style of handler runs an event.</summary>
internal enum HandlerKind
{
    /// <summary>No handler: the proposed case data is stored as it is.</summary>
    None,

    /// <summary>An <see cref="ISubmitHandler{TCase, TState}"/>.</summary>
    Submit,

    /// <summary>An <see cref="IBlobHandler"/>.</summary>
    Blob,
}

/// <summary>A case field published in a message's <c>AdditionalData</c>, with its CCD field type.</summary>
internal sealed record PublishedField(string Name, string Type)
{
    // CCD's message publisher names simple types this way (MessagingPropertiesAutoConfiguration); consumers key on them.
    private static readonly Dictionary<string, string> SimpleTypes = new(StringComparer.Ordinal)
    {
        ["Text"] = "SimpleText",
        ["TextArea"] = "SimpleText",
        ["Email"] = "SimpleText",
        ["PhoneUK"] = "SimpleText",
        ["Postcode"] = "SimpleText",
        ["BaseLocation"] = "SimpleText",
        ["Region"] = "SimpleText",
        ["FixedList"] = "SimpleText",
        ["FixedRadioList"] = "SimpleText",
        ["Number"] = "SimpleNumber",
        ["MoneyGBP"] = "SimpleNumber",
        ["Date"] = "SimpleDate",
        ["DateTime"] = "SimpleDateTime",
        ["YesOrNo"] = "SimpleBoolean",
        ["Document"] = "Complex",
    };

    /// <summary>The type name written in <c>AdditionalData.Definition.&lt;field&gt;.type</c>.</summary>
    public string PublishedType => SimpleTypes[Type];

    public static bool IsKnownType(string type) => SimpleTypes.ContainsKey(type);

    /// <summary>The CCD field type of a case class member of <paramref name="type"/> (not nullable), or null when it cannot be told.</summary>
    public static string? InferType(Type type) =>
        type == typeof(string) ? "Text"
        : type == typeof(DateOnly) ? "Date"
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? "DateTime"
        : type == typeof(bool) ? "YesOrNo"
        : type == typeof(MoneyGBP) ? "MoneyGBP"
        : type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(decimal) || type == typeof(double) || type == typeof(float) ? "Number"
        : null;

    public static string KnownTypes => string.Join(", ", SimpleTypes.Keys);
}

/// <summary>One event of a case type, as declared in code or configuration.</summary>
internal sealed class EventDefinition
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public bool Publish { get; init; }

    /// <summary>
    /// Never conflicts on a stale version (such as adding a note): only what it changed relative to CCD's
    /// <c>case_details_before</c> is applied to the stored case (see <c>Writing/StaleEventRules</c>).
    /// </summary>
    public bool Additive { get; init; }

    /// <summary>Refused with 409 when any event committed after the submit's <c>start_revision</c>.</summary>
    public bool NonConcurrent { get; init; }

    public IReadOnlyList<PublishedField> PublishedFields { get; init; } = [];

    /// <summary>The state the event leaves the case in, whatever CCD proposed (configuration case types); null keeps CCD's.</summary>
    public string? PostState { get; init; }

    public HandlerKind HandlerKind { get; init; }

    /// <summary>The handler class, resolved from dependency injection per event.</summary>
    public Type? HandlerType { get; init; }

    /// <summary>The class answering CCD's about-to-start callback for this event, if any.</summary>
    public Type? AboutToStartHandler { get; init; }

    /// <summary>The classes answering CCD's mid-event callback, by page id.</summary>
    public IReadOnlyDictionary<string, Type> MidEventHandlers { get; init; } = new Dictionary<string, Type>();
}
