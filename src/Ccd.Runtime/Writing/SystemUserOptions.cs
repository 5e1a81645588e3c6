namespace Ccd.Runtime.Writing;

/// <summary>The identity the runtime's own work (jobs) acts as in service events (<c>Ccd:Submission:SystemUser</c>).</summary>
internal sealed class SystemUserOptions
{
    public string? Id { get; set; }

    public string FirstName { get; set; } = "System";

    public string LastName { get; set; } = "User";
}
