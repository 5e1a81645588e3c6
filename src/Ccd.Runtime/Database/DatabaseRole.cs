namespace Ccd.Runtime.Database;

/// <summary>Which credentials a process connects with: <c>serve</c> as the runtime role, every other command as the owner.</summary>
internal enum DatabaseRole
{
    /// <summary><c>serve</c>: <c>{APP_ENV}_DATABASE_URL</c>, a member of <see cref="RuntimeRoles.Group"/> with data privileges only.</summary>
    Runtime,

    /// <summary><c>migrate</c> and the operations commands: <c>{APP_ENV}_MIGRATION_DATABASE_URL</c>, the owner of the schemas.</summary>
    Owner,
}

/// <summary>The role names the migrations grant to, and the login LOCAL and TEST create for themselves.</summary>
internal static class RuntimeRoles
{
    /// <summary>The NOLOGIN role holding the runtime's privileges (created by migration ccd/0045).</summary>
    public const string Group = "ccd_runtime";

    /// <summary>The login, a member of <see cref="Group"/>, that LOCAL and TEST create and serve as.</summary>
    public const string LocalLogin = "ccd_runtime_login";

    /// <summary>The key of <c>IHostApplicationBuilder.Properties</c> a command sets to choose its <see cref="DatabaseRole"/>.</summary>
    public const string PropertyKey = "Ccd.Runtime.DatabaseRole";
}
