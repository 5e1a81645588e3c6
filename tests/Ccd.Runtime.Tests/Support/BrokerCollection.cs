using Ccd.Testing;
using Xunit;

namespace Ccd.Runtime.Tests.Support;

/// <summary>
/// Tests that need the AMQP broker. One broker serves the collection; it starts only when one of these tests runs,
/// and the tests run one after another because one of them stops the broker.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<AmqpBroker>
{
    public const string Name = "AMQP broker";
}
