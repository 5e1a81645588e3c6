using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Ccd.Runtime.Publishing;
using Xunit;

namespace Ccd.Runtime.Tests.Publishing;

public sealed class BrokerSettingsTests
{
    [Fact]
    public void service_bus_settings_connect_over_tls_on_5671_with_the_sas_key_as_sasl_plain_credentials()
    {
        var broker = BrokerSettings.Resolve(new PublishingOptions
        {
            Namespace = "ccd-adoption.servicebus.windows.net",
            SasKeyName = "SendOnly",
            SasKey = "abc+/def=",
        });

        Assert.Equal(("amqps", true, "ccd-adoption.servicebus.windows.net", 5671), (broker.Address.Scheme, broker.Address.UseSsl, broker.Address.Host, broker.Address.Port));
        Assert.Equal(("SendOnly", "abc+/def="), (broker.Address.User, broker.Address.Password));
        Assert.Equal("ccd-case-events", broker.Entity);
        Assert.DoesNotContain("abc", broker.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void a_namespace_given_as_an_endpoint_url_is_reduced_to_its_host()
    {
        var broker = BrokerSettings.Resolve(new PublishingOptions
        {
            Namespace = "sb://ccd-adoption.servicebus.windows.net/",
            SasKeyName = "SendOnly",
            SasKey = "key",
            Entity = "ccd-case-events-aat",
        });

        Assert.Equal("amqps://ccd-adoption.servicebus.windows.net:5671/ccd-case-events-aat", broker.Description);
    }

    [Fact]
    public void a_namespace_without_a_key_is_refused_naming_the_keys_to_set()
    {
        var refusal = Assert.Throws<CcdStartupException>(() => BrokerSettings.Resolve(new PublishingOptions { Namespace = "ns.servicebus.windows.net", SasKeyName = "SendOnly" }));

        Assert.Contains("Ccd:Publishing:SasKey", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void enabled_publishing_without_a_broker_is_refused_naming_the_keys_to_set()
    {
        var refusal = Assert.Throws<CcdStartupException>(() => BrokerSettings.Resolve(new PublishingOptions { Enabled = true }));

        Assert.Contains("Ccd:Publishing:Address", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Ccd:Publishing:Namespace", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void publishing_is_off_unless_enabled_or_a_broker_is_named()
    {
        Assert.False(new PublishingOptions().IsEnabled);
        Assert.True(new PublishingOptions { Address = "amqp://guest:guest@127.0.0.1:5672" }.IsEnabled);
        Assert.True(new PublishingOptions { Namespace = "ns.servicebus.windows.net" }.IsEnabled);
        Assert.False(new PublishingOptions { Address = "amqp://guest:guest@127.0.0.1:5672", Enabled = false }.IsEnabled);
    }
}
