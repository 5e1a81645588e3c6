namespace Ccd.Runtime.Publishing;

/// <summary>
/// One claimed outbox row: the JSON body as stored and the values copied into the message's properties
/// (null when the key is missing from <c>message_information</c>).
/// </summary>
internal sealed record OutboxMessage(
    long Id,
    long Reference,
    byte[] Body,
    string? JurisdictionId,
    string? CaseTypeId,
    string? CaseId,
    string? EventId,
    string? EventInstanceId);
