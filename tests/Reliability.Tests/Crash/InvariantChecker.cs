using System.Numerics;
using Npgsql;

namespace Reliability.Tests.Crash;

/// <summary>
/// Proves, with SQL against the database after a disturbed run, what the service promises: acknowledged submits
/// exactly once, unacknowledged ones at most once, nothing invented; each case's revision equals its history plus
/// its applied supplementary updates, every increment applied between once (when acknowledged) and as many times as
/// it was sent; no orphan rows; the search queue and the outbox cover every committed event.
/// </summary>
internal static class InvariantChecker
{
    /// <summary>What the store holds, for the figures of a run.</summary>
    public sealed record Figures(long Cases, long Events, long IncrementsApplied, long OutboxMessages);

    private const string KeysSql = "SELECT idempotency_key, count(*) FROM ccd.case_event WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key";

    private const string CasesSql = """
        SELECT c.reference, c.revision, c.supplementary_data #>> '{sums,total}', c.supplementary_data #>> '{sums,count}',
               (SELECT count(*) FROM ccd.case_event e WHERE e.case_reference = c.reference),
               (SELECT max(e.case_revision) FROM ccd.case_event e WHERE e.case_reference = c.reference)
        FROM ccd.case_data c
        """;

    // Each query counts rows that must not exist.
    private static readonly (string Name, string Sql)[] Forbidden =
    [
        ("cases without a history event", "SELECT count(*) FROM ccd.case_data c WHERE NOT EXISTS (SELECT 1 FROM ccd.case_event e WHERE e.case_reference = c.reference)"),
        ("search-queue rows without a case", "SELECT count(*) FROM ccd.es_queue q WHERE NOT EXISTS (SELECT 1 FROM ccd.case_data c WHERE c.reference = q.reference)"),
        ("outbox rows without a case", "SELECT count(*) FROM ccd.message_queue_candidates m WHERE NOT EXISTS (SELECT 1 FROM ccd.case_data c WHERE c.reference = m.reference)"),
        ("outbox rows without their event", """
            SELECT count(*) FROM ccd.message_queue_candidates m WHERE NOT EXISTS (
                SELECT 1 FROM ccd.case_event e WHERE e.id = (m.message_information ->> 'EventInstanceId')::bigint AND e.case_reference = m.reference)
            """),
        ("significant items without an event", "SELECT count(*) FROM ccd.case_event_significant_items s WHERE NOT EXISTS (SELECT 1 FROM ccd.case_event e WHERE e.id = s.case_event_id)"),
        ("jobs without a case", "SELECT count(*) FROM ccd.jobs j WHERE j.case_reference IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ccd.case_data c WHERE c.reference = j.case_reference)"),
        ("cases the search queue does not cover at their revision", """
            SELECT count(*) FROM ccd.case_data c LEFT JOIN ccd.es_queue q ON q.reference = c.reference
            WHERE q.reference IS NULL OR q.case_revision <> c.revision
            """),
        ("published events without exactly one outbox message", """
            SELECT count(*) FROM ccd.case_event e
            WHERE e.event_id IN ('create', 'update')
              AND (SELECT count(*) FROM ccd.message_queue_candidates m WHERE (m.message_information ->> 'EventInstanceId')::bigint = e.id) <> 1
            """),
        ("unpublished events with an outbox message", """
            SELECT count(*) FROM ccd.case_event e
            WHERE e.event_id NOT IN ('create', 'update')
              AND EXISTS (SELECT 1 FROM ccd.message_queue_candidates m WHERE (m.message_information ->> 'EventInstanceId')::bigint = e.id)
            """),
        ("events above their case's revision", "SELECT count(*) FROM ccd.case_event e JOIN ccd.case_data c ON c.reference = e.case_reference WHERE e.case_revision > c.revision"),
    ];

    public static async Task<(List<string> Violations, Figures Figures)> CheckAsync(NpgsqlDataSource dataSource, OperationLog log)
    {
        var violations = new List<string>();
        var operations = log.Operations.ToArray();
        await using var connection = await dataSource.OpenConnectionAsync();

        var stored = new Dictionary<Guid, long>();
        await using (var command = new NpgsqlCommand(KeysSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        // Submits, grouped by key (a duplicated create is two operations with one key).
        foreach (var group in operations.Where(o => o.Key is not null).GroupBy(o => o.Key!.Value))
        {
            var count = stored.GetValueOrDefault(group.Key);
            var acknowledged = group.Any(o => o.Outcome == Outcome.Acknowledged);
            if (acknowledged && count != 1)
            {
                violations.Add($"acknowledged submit {group.Key} ({group.First().Kind} of {group.First().Reference}) is present {count} times");
            }
            else if (group.All(o => o.Outcome == Outcome.Refused) && count != 0)
            {
                violations.Add($"refused submit {group.Key} is present {count} times");
            }
            else if (count > 1)
            {
                violations.Add($"submit {group.Key} is present {count} times");
            }
        }

        var sent = operations.Where(o => o.Key is not null).Select(o => o.Key!.Value).ToHashSet();
        violations.AddRange(stored.Keys.Where(key => !sent.Contains(key)).Select(key => $"event {key} was never sent"));

        // Revisions and increments, per case.
        var increments = operations.Where(o => o.Kind == OperationKind.Increment).GroupBy(o => o.Reference).ToDictionary(g => g.Key, g => g.ToDictionary(o => o.Index));
        long cases = 0, events = 0, applied = 0;
        await using (var command = new NpgsqlCommand(CasesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                cases++;
                var reference = reader.GetInt64(0);
                var revision = reader.GetInt32(1);
                var total = reader.IsDBNull(2) ? BigInteger.Zero : BigInteger.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture);
                var count = reader.IsDBNull(3) ? 0 : long.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture);
                var history = reader.GetInt64(4);
                events += history;
                applied += count;
                if (revision != history + count)
                {
                    violations.Add($"case {reference}: revision {revision} is not its {history} events plus {count} supplementary updates");
                }

                if (!reader.IsDBNull(5) && reader.GetInt32(5) != revision - count && count == 0)
                {
                    violations.Add($"case {reference}: its last event has revision {reader.GetInt32(5)}, the case {revision}");
                }

                violations.AddRange(CheckDigits(reference, total, count, increments.GetValueOrDefault(reference) ?? []));
            }
        }

        foreach (var (name, sql) in Forbidden)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var found = (long)(await command.ExecuteScalarAsync())!;
            if (found != 0)
            {
                violations.Add($"{found} {name}");
            }
        }

        await using var outbox = new NpgsqlCommand("SELECT count(*) FROM ccd.message_queue_candidates", connection);
        return (violations, new Figures(cases, events, applied, (long)(await outbox.ExecuteScalarAsync())!));
    }

    /// <summary>Reads each increment's applications from its base-4 digit of the stored total.</summary>
    private static IEnumerable<string> CheckDigits(long reference, BigInteger total, long count, Dictionary<int, Operation> sentByIndex)
    {
        long digits = 0;
        for (var index = 0; total > 0 || index <= sentByIndex.Keys.DefaultIfEmpty(-1).Max(); index++)
        {
            var times = (int)(total % 4);
            total /= 4;
            digits += times;
            var operation = sentByIndex.GetValueOrDefault(index);
            if (operation is null)
            {
                if (times != 0)
                {
                    yield return $"case {reference}: increment {index} was never sent but applied {times} times";
                }

                continue;
            }

            if (operation.Outcome == Outcome.Acknowledged && times < 1)
            {
                yield return $"case {reference}: acknowledged increment {index} was not applied";
            }
            else if (operation.Outcome == Outcome.Refused && times != 0)
            {
                yield return $"case {reference}: refused increment {index} was applied {times} times";
            }
            else if (times > operation.Attempts)
            {
                yield return $"case {reference}: increment {index} sent {operation.Attempts} times was applied {times} times";
            }
        }

        if (digits != count)
        {
            yield return $"case {reference}: sums.count {count} differs from the {digits} applications the total shows";
        }
    }
}
