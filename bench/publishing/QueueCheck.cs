using System.Security.Cryptography;
using System.Text.Json;
using Amqp;
using Ccd.Testing;

namespace Ccd.Bench.Publishing;

/// <summary>
/// What one queue received: every message once, each case's events in order, and a fingerprint of each message (its
/// body, identifiers, content type, durability and application properties) by EventInstanceId, so the runtime's
/// messages and the bare sender's can be compared one by one.
/// </summary>
internal sealed record QueueCheck(int Received, int Distinct, int CasesOutOfOrder, IReadOnlyDictionary<long, string> Fingerprints)
{
    private static readonly string[] ApplicationProperties = ["jurisdiction_id", "case_type_id", "case_id", "event_id"];

    /// <summary>Receives (and accepts) every message of <paramref name="queue"/>: the expected count, then any extra within a quiet second.</summary>
    public static async Task<QueueCheck> DrainAsync(string url, string queue, int expected)
    {
        await using var consumer = await BrokerConsumer.OpenAsync(url, queue);
        var received = await consumer.ReceiveAsync(expected, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var fingerprints = new Dictionary<long, string>(received.Count);
        var lastOfCase = new Dictionary<string, long>();
        var outOfOrder = new HashSet<string>();
        foreach (var message in received)
        {
            var body = ReceivedMessage.Body(message);
            using var json = JsonDocument.Parse(body);
            var eventInstance = json.RootElement.GetProperty("EventInstanceId").GetInt64();
            var caseId = json.RootElement.GetProperty("CaseId").GetString()!;
            if (lastOfCase.TryGetValue(caseId, out var previous) && previous > eventInstance)
            {
                outOfOrder.Add(caseId);
            }

            lastOfCase[caseId] = eventInstance;
            fingerprints[eventInstance] = Fingerprint(message, body);
        }

        return new QueueCheck(received.Count, fingerprints.Count, outOfOrder.Count, fingerprints);
    }

    /// <summary>How many messages differ between the two queues (missing from one, or not the same message).</summary>
    public int DifferencesFrom(QueueCheck other) =>
        Fingerprints.Count(pair => !other.Fingerprints.TryGetValue(pair.Key, out var theirs) || theirs != pair.Value)
        + other.Fingerprints.Keys.Count(key => !Fingerprints.ContainsKey(key));

    private static string Fingerprint(Message message, byte[] body)
    {
        var properties = ReceivedMessage.Properties(message);
        var application = string.Join(',', ApplicationProperties.Select(name => ReceivedMessage.Property(message, name)));
        return $"{properties.MessageId}|{properties.GroupId}|{properties.ContentType}|{message.Header?.Durable}|{application}|{Convert.ToHexString(SHA256.HashData(body))}";
    }
}
