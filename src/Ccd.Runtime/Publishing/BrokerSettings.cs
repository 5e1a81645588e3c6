using Amqp;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Ccd.Runtime.Publishing;

/// <summary>Where the publisher connects and what it sends to, resolved once from <see cref="PublishingOptions"/>.</summary>
internal sealed class BrokerSettings
{
    private const string Keys = "Ccd:Publishing:Address, or Ccd:Publishing:Namespace with Ccd:Publishing:SasKeyName and Ccd:Publishing:SasKey";

    private BrokerSettings(Address address, string entity, string description)
    {
        Address = address;
        Entity = entity;
        Description = description;
    }

    public Address Address { get; }

    /// <summary>The topic or queue name used as the sender link's target.</summary>
    public string Entity { get; }

    /// <summary>Host, port and entity without secrets, for log lines and start-up errors.</summary>
    public string Description { get; }

    /// <exception cref="CcdStartupException">The settings are incomplete or malformed; the message names the key.</exception>
    public static BrokerSettings Resolve(PublishingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Entity))
        {
            throw new CcdStartupException("Ccd:Publishing:Entity is empty: set the topic or queue name (default ccd-case-events).");
        }

        var entity = options.Entity.Trim();
        if (!string.IsNullOrWhiteSpace(options.Namespace))
        {
            return ForServiceBus(options, entity);
        }

        if (string.IsNullOrWhiteSpace(options.Address))
        {
            throw new CcdStartupException($"Publishing is enabled but no broker is configured: set {Keys}.");
        }

        Address address;
        try
        {
            address = new Address(options.Address.Trim());
        }
        catch (Exception exception) when (exception is UriFormatException or ArgumentException or FormatException)
        {
            throw new CcdStartupException("Ccd:Publishing:Address is not an AMQP URL such as amqp://user:password@host:5672.", exception);
        }

        if (address.Scheme is not ("amqp" or "amqps"))
        {
            throw new CcdStartupException($"Ccd:Publishing:Address has scheme '{address.Scheme}'; use amqp or amqps.");
        }

        return new BrokerSettings(address, entity, $"{address.Scheme}://{address.Host}:{address.Port}/{entity}");
    }

    private static BrokerSettings ForServiceBus(PublishingOptions options, string entity)
    {
        if (string.IsNullOrWhiteSpace(options.SasKeyName) || string.IsNullOrWhiteSpace(options.SasKey))
        {
            throw new CcdStartupException(
                "Ccd:Publishing:Namespace is set but Ccd:Publishing:SasKeyName or Ccd:Publishing:SasKey is missing: " +
                "set both (a shared access policy of the namespace with Send rights).");
        }

        // Accept a bare host or a connection-string style endpoint (sb://host/).
        var host = options.Namespace!.Trim();
        if (host.Contains("://", StringComparison.Ordinal))
        {
            host = new Uri(host).Host;
        }

        host = host.TrimEnd('/');
        // Service Bus takes the SAS key name and key over SASL PLAIN on TLS port 5671. The key is passed to
        // the constructor as it is (not inside a URL), so its '+', '/' and '=' need no escaping.
        var address = new Address(host, 5671, options.SasKeyName.Trim(), options.SasKey.Trim(), "/", "amqps");
        return new BrokerSettings(address, entity, $"amqps://{host}:5671/{entity}");
    }
}
