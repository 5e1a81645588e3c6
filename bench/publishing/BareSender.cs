using System.Diagnostics;
using Amqp;
using Amqp.Framing;
using Ccd.Runtime.Publishing;
using Npgsql;

namespace Ccd.Bench.Publishing;

/// <summary>
/// P5's limit for publishing: the least the outbox's broker work needs. The same messages (the same rows, made into
/// AMQP messages by the runtime's own <see cref="AmqpOutboxSender.ToAmqpMessage"/>, so bodies and properties are
/// the same), to the same broker, on a link attached as the runtime attaches its own, in the runtime's batches (every
/// message of a batch in flight at once, the next batch once the broker settled them all): no database, no claim,
/// no marks, no supervisor. The rows are read into memory before the clock starts.
/// </summary>
internal static class BareSender
{
    private const string RowsSql = """
        SELECT id, reference, message_information::text,
               message_information ->> 'JurisdictionId', message_information ->> 'CaseTypeId',
               message_information ->> 'CaseId', message_information ->> 'EventId', message_information ->> 'EventInstanceId'
        FROM ccd.message_queue_candidates
        WHERE id > @after
        ORDER BY id
        """;

    /// <summary>The outbox rows after id <paramref name="after"/>, in id order, as the publisher claims them.</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> LoadAsync(NpgsqlDataSource dataSource, long after)
    {
        await using var command = dataSource.CreateCommand(RowsSql);
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        var rows = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            rows.Add(new OutboxMessage(reader.GetInt64(0), reader.GetInt64(1), System.Text.Encoding.UTF8.GetBytes(reader.GetString(2)),
                Text(3), Text(4), Text(5), Text(6), Text(7)));
        }

        return rows;
    }

    /// <summary>Connects, sends every message in batches of <paramref name="batchSize"/>, closes; the time it all took.</summary>
    /// <exception cref="InvalidOperationException">The broker did not accept a message.</exception>
    public static async Task<TimeSpan> SendAsync(string url, string queue, IReadOnlyList<OutboxMessage> messages, int batchSize)
    {
        var clock = Stopwatch.StartNew();
        var connection = await new ConnectionFactory().CreateAsync(new Address(url));
        try
        {
            var session = new Session(connection);
            var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var link = new SenderLink(session, $"bench-bare-sender-{Guid.NewGuid():N}", new Target { Address = queue }, (_, _) => attached.TrySetResult());
            await attached.Task;
            var outcomes = new TaskCompletionSource<Outcome>[Math.Min(batchSize, messages.Count)];
            for (var start = 0; start < messages.Count; start += batchSize)
            {
                var count = Math.Min(batchSize, messages.Count - start);
                for (var i = 0; i < count; i++)
                {
                    outcomes[i] = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                    link.Send(AmqpOutboxSender.ToAmqpMessage(messages[start + i]), static (_, _, outcome, state) => ((TaskCompletionSource<Outcome>)state!).TrySetResult(outcome), outcomes[i]);
                }

                for (var i = 0; i < count; i++)
                {
                    if (await outcomes[i].Task is not Accepted)
                    {
                        throw new InvalidOperationException($"The broker did not accept outbox row {messages[start + i].Id}.");
                    }
                }
            }

            await link.CloseAsync();
        }
        finally
        {
            await connection.CloseAsync();
        }

        return clock.Elapsed;
    }
}
