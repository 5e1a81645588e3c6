using Npgsql;

namespace Ccd.Runtime.Database;

/// <summary>
/// Where LISTEN connections come from: the main data source when it is direct, a data source of its own on the
/// direct URL behind a transaction pool, or none (<see cref="DataSource"/> null) when no direct connection is
/// configured there: a pooled server connection moves to another client after each transaction, so a LISTEN
/// through it would hear nothing (or another client's channel), and the workers poll instead.
/// </summary>
internal sealed class ListenDataSource : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _own;

    public ListenDataSource(DatabaseTarget target, NpgsqlDataSource main, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        if (!target.CanListen)
        {
            return;
        }

        if (target.Direct is null)
        {
            DataSource = main;
            return;
        }

        var builder = new NpgsqlDataSourceBuilder(target.Direct.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        DataSource = _own = builder.Build();
    }

    /// <summary>The data source to LISTEN on, or null when LISTEN/NOTIFY is off and the workers poll.</summary>
    public NpgsqlDataSource? DataSource { get; }

    public async ValueTask DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }
}
