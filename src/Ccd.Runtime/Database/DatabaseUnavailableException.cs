namespace Ccd.Runtime.Database;

/// <summary>The database could not be used within the time allowed; answered 503 with <c>Retry-After</c>.</summary>
internal sealed class DatabaseUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
