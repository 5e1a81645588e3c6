using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>Turns a <c>postgres://user:pass@host:port/db?sslmode=require</c> URL or an Npgsql connection string into a connection string builder.</summary>
internal static class DatabaseUrl
{
    /// <summary>Parses <paramref name="value"/>; <paramref name="variable"/> names the setting in error messages.</summary>
    /// <exception cref="CcdStartupException">The value is neither a valid URL nor a valid connection string. The message never contains the password.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value, string variable)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseUrl(trimmed, variable);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(trimmed);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw new CcdStartupException($"{variable} is not a valid database URL or connection string: it names no host.");
            }

            return builder;
        }
        catch (ArgumentException)
        {
            throw new CcdStartupException(
                $"{variable} is not a valid database URL or connection string (expected postgres://user:password@host:port/database or Host=...;Database=...).");
        }
    }

    private static NpgsqlConnectionStringBuilder ParseUrl(string value, string variable)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new CcdStartupException($"{variable} is not a valid postgres:// URL (expected postgres://user:password@host:port/database).");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (!string.IsNullOrEmpty(database))
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            try
            {
                if (string.Equals(key, "sslmode", StringComparison.OrdinalIgnoreCase))
                {
                    builder.SslMode = Enum.Parse<SslMode>(val.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
                }
                else
                {
                    builder[key] = val;
                }
            }
            catch (Exception exception) when (exception is ArgumentException or KeyNotFoundException)
            {
                throw new CcdStartupException($"{variable} has an unsupported or invalid query parameter '{key}'.");
            }
        }

        return builder;
    }

    /// <summary>A description of the target safe for logs: host, port and database, never credentials.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"{builder.Host}:{builder.Port}/{builder.Database}";
}
