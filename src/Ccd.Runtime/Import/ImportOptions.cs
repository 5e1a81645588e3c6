namespace Ccd.Runtime.Import;

/// <summary>Which phases <c>import</c> runs.</summary>
internal enum ImportPhase
{
    /// <summary>Preload, then cutover: for a case type CCD no longer writes to.</summary>
    All,

    /// <summary>Bulk copy while CCD still owns the cases, remembering the high-water mark of CCD's event ids.</summary>
    Preload,

    /// <summary>Copy what changed since the mark, then mark the case type complete.</summary>
    Cutover,
}

/// <summary>How one <c>import</c> run behaves.</summary>
internal sealed class ImportOptions
{
    public required IReadOnlyList<string> CaseTypes { get; init; }

    public ImportPhase Phase { get; init; } = ImportPhase.All;

    /// <summary>Cases per preload batch, events per cutover batch; each batch is one target transaction.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>A run stops after the batch that ends past this much time (measured on the application clock); null: none.</summary>
    public TimeSpan? MaxRunTime { get; init; }

    /// <summary>
    /// Called at named points of the run (<see cref="ImportFaultPoint"/>) so tests can stop it exactly there, as a
    /// crash would, without killing a process; null in production.
    /// </summary>
    public Action<string>? FaultPoint { get; init; }
}

/// <summary>The places where a run can be stopped by <see cref="ImportOptions.FaultPoint"/>.</summary>
internal static class ImportFaultPoint
{
    /// <summary>Inside a preload batch: rows written, progress advanced, not yet committed.</summary>
    public const string InsidePreloadBatch = "preload:inside-batch";

    /// <summary>After a preload batch committed, before the next one starts.</summary>
    public const string BetweenPreloadBatches = "preload:between-batches";

    /// <summary>Inside a cutover batch, before its commit.</summary>
    public const string InsideCutoverBatch = "cutover:inside-batch";

    /// <summary>After the last cutover batch, before the case type is marked complete.</summary>
    public const string BeforeComplete = "cutover:before-complete";
}
