using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;

namespace Ccd.Testing;

/// <summary>
/// A tiny AMQP 1.0 broker in the test process (AMQPNetLite's own listener) with one entity that settles every
/// message <i>accepted</i> and keeps it, except those <see cref="Rejects"/> picks, which it settles <i>rejected</i>
/// with an error, every time they come. It exists because no broker installable here answers a single message
/// with the rejected outcome: Debian's RabbitMQ 3.10 AMQP 1.0 plugin ends the session when a queue refuses a
/// message, and Debian's ActiveMQ 5.17 package ships without its AMQP transport (no activemq-amqp, no proton-j).
/// </summary>
public sealed class RejectingAmqpBroker : IAsyncDisposable
{
    /// <summary>The entity (link target address) the broker serves.</summary>
    public const string Entity = "ccd-case-events";

    private readonly ContainerHost _host;
    private readonly Processor _processor;

    private RejectingAmqpBroker(ContainerHost host, Processor processor, string url)
    {
        _host = host;
        _processor = processor;
        Url = url;
    }

    /// <summary>The broker's address, <c>amqp://guest:guest@127.0.0.1:PORT</c>.</summary>
    public string Url { get; }

    /// <summary>Which messages (by their body text) to reject; null accepts everything.</summary>
    public Func<string, bool>? Rejects
    {
        get => _processor.Rejects;
        set => _processor.Rejects = value;
    }

    /// <summary>
    /// When set, the broker accepts no more than this many messages in all and leaves every later one unsettled (a
    /// broker that stopped answering mid-stream); null (the default) answers every message.
    /// </summary>
    public int? AnswerAtMost
    {
        get => _processor.AnswerAtMost;
        set => _processor.AnswerAtMost = value;
    }

    /// <summary>The bodies of the messages accepted, in the order they were settled.</summary>
    public IReadOnlyList<string> Accepted => _processor.Accepted.ToArray();

    /// <summary>How many transfers were rejected.</summary>
    public int RejectedCount => Volatile.Read(ref _processor.Rejected);

    /// <summary>Starts the broker on a free loopback port.</summary>
    public static RejectingAmqpBroker Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var url = $"amqp://guest:guest@127.0.0.1:{port}";
        var host = new ContainerHost(new Address(url));
        var processor = new Processor();
        host.RegisterMessageProcessor(Entity, processor);
        host.Open();
        return new RejectingAmqpBroker(host, processor, url);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _host.Close();
        return ValueTask.CompletedTask;
    }

    private sealed class Processor : IMessageProcessor
    {
        public readonly ConcurrentQueue<string> Accepted = new();
        public int Rejected;

        public Func<string, bool>? Rejects { get; set; }

        public int? AnswerAtMost { get; set; }

        public int Credit => 500;

        public void Process(MessageContext messageContext)
        {
            if (AnswerAtMost is { } most && Accepted.Count >= most)
            {
                // Not answering: the transfer is never settled, so the sender times out on it.
                return;
            }

            var body = BodyText(messageContext.Message);
            if (Rejects?.Invoke(body) == true)
            {
                Interlocked.Increment(ref Rejected);
                messageContext.Complete(new Error(new Amqp.Types.Symbol("amqp:precondition-failed")) { Description = "the test broker refuses this message for good" });
                return;
            }

            Accepted.Enqueue(body);
            messageContext.Complete();
        }

        private static string BodyText(Message message) => message.Body switch
        {
            byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
            string text => text,
            _ => message.Body?.ToString() ?? string.Empty,
        };
    }
}
