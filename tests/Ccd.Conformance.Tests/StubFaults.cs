namespace Ccd.Conformance.Tests;

/// <summary>What the stub server gets wrong, on purpose.</summary>
[Flags]
public enum StubFaults
{
    None = 0,

    /// <summary>Leaves <c>revision</c> out of every answer.</summary>
    OmitRevision = 1,

    /// <summary>Writes date-times with an offset (<c>+01:00</c>).</summary>
    OffsetDates = 2,

    /// <summary>Adds a field CCD's case details do not have.</summary>
    UnknownField = 4,

    /// <summary>Answers 500 to a submit whose idempotency key was already committed for the case.</summary>
    ServerErrorOnDuplicateCreate = 8,
}
