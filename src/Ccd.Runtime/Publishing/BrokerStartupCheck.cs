using Amqp;
using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Ccd.Runtime.Publishing;

/// <summary>
/// With publishing enabled, start-up connects to the broker and attaches the sender link: refused credentials, an
/// unknown entity or a broker that does not answer stop the service with one line naming the cause, instead of a
/// service that runs and silently publishes nothing.
/// </summary>
internal sealed class BrokerStartupCheck(AmqpOutboxSender sender, BrokerSettings broker, PublishingOptions options) : ICcdStartupCheck
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await sender.ConnectAsync(cancellationToken);
        }
        catch (AmqpException exception) when (exception.Error?.Condition?.ToString() is "amqp:unauthorized-access")
        {
            throw new CcdStartupException(
                $"The message broker at {broker.Description} refused the credentials: check Ccd:Publishing:SasKeyName and " +
                $"Ccd:Publishing:SasKey (or the user and password in Ccd:Publishing:Address). {exception.Error?.Description}",
                exception);
        }
        catch (AmqpException exception)
        {
            throw new CcdStartupException(
                $"The message broker at {broker.Description} refused the publisher: {exception.Error?.Condition} {exception.Error?.Description}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CcdStartupException(
                $"The message broker at {broker.Description} did not answer within {options.SendTimeout.TotalSeconds:0} s.", exception);
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            throw new CcdStartupException($"The message broker at {broker.Description} could not be reached: {exception.Message}", exception);
        }
    }
}
