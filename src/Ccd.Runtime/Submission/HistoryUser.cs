namespace Ccd.Runtime.Submission;

/// <summary>A person as recorded in history: id and names.</summary>
internal sealed record HistoryUser(string Id, string FirstName, string LastName);
