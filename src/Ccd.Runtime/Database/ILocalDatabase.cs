using Ccd.Runtime.Configuration;

namespace Ccd.Runtime.Database;

/// <summary>
/// A development database the runtime starts when <c>APP_ENV=LOCAL</c> and <c>LOCAL_DATABASE_URL</c> is not set: the
/// embedded PostgreSQL that the Ccd.Runtime.LocalDatabase assembly registers (<c>AddLocalPostgres</c>). Registered as
/// a singleton, started when the database is first needed, and stopped when the application's services are disposed.
/// </summary>
internal interface ILocalDatabase : IAsyncDisposable
{
    /// <summary>Starts the database (or joins the one another process of the same folder runs), creates
    /// <paramref name="database"/> if it is missing, and returns a connection string to it as the owner.</summary>
    /// <exception cref="CcdStartupException">It cannot start; the message names the cause and what to do.</exception>
    Task<string> StartAsync(string database, CancellationToken cancellationToken);

    /// <summary>Where the started database is, for the start-up summary; never credentials.</summary>
    string Describe();
}
