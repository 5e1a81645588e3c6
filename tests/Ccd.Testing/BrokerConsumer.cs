using Amqp;
using Amqp.Framing;

namespace Ccd.Testing;

/// <summary>A consumer on one queue of the test broker: receives and accepts messages, as CCD's consumers would.</summary>
public sealed class BrokerConsumer : IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly ReceiverLink _link;

    private BrokerConsumer(Connection connection, ReceiverLink link)
    {
        _connection = connection;
        _link = link;
    }

    /// <summary>Connects to <paramref name="url"/> and attaches a receiver to <paramref name="queue"/>.</summary>
    public static async Task<BrokerConsumer> OpenAsync(string url, string queue)
    {
        var connection = await new ConnectionFactory().CreateAsync(new Address(url));
        var session = new Session(connection);
        var link = new ReceiverLink(session, $"test-consumer-{Guid.NewGuid():N}", queue);
        link.SetCredit(500);
        return new BrokerConsumer(connection, link);
    }

    /// <summary>
    /// Receives until <paramref name="count"/> messages have arrived, then keeps listening for <paramref name="quiet"/>
    /// to catch any extra (duplicate) message; gives up at <paramref name="ceiling"/>.
    /// </summary>
    public async Task<IReadOnlyList<Message>> ReceiveAsync(int count, TimeSpan quiet, TimeSpan ceiling)
    {
        var received = new List<Message>();
        var deadline = DateTime.UtcNow + ceiling;
        while (DateTime.UtcNow < deadline)
        {
            var wait = received.Count >= count ? quiet : TimeSpan.FromSeconds(1);
            var message = await _link.ReceiveAsync(wait);
            if (message is null)
            {
                if (received.Count >= count)
                {
                    break;
                }

                continue;
            }

            _link.Accept(message);
            received.Add(message);
        }

        return received;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.CloseAsync(TimeSpan.FromSeconds(5), null);
        }
        catch (AmqpException)
        {
        }
    }
}

/// <summary>Reads the parts of a received message the tests check.</summary>
public static class ReceivedMessage
{
    /// <summary>The body bytes (a data section).</summary>
    public static byte[] Body(Message message) => message.Body as byte[] ?? throw new InvalidOperationException($"The body is {message.Body?.GetType().Name ?? "empty"}, not a data section.");

    /// <summary>An application property as a string, or null.</summary>
    public static string? Property(Message message, string name) =>
        message.ApplicationProperties is { } properties && properties.Map.ContainsKey(name) ? properties[name]?.ToString() : null;

    /// <summary>The message's properties section (content type, group id, message id).</summary>
    public static Properties Properties(Message message) => message.Properties ?? throw new InvalidOperationException("The message has no properties.");
}
