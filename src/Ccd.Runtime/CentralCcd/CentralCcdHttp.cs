using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Polly.Timeout;

namespace Ccd.Runtime.CentralCcd;

/// <summary>Sends one call to central CCD and turns every failure into a <see cref="CentralCcdException"/> naming the call.</summary>
internal static class CentralCcdHttp
{
    public static Uri Url(string baseUrl, string path) => new(new Uri(baseUrl.TrimEnd('/') + "/"), path);

    /// <summary>Sends the request; answers the response whatever its status, or throws when CCD could not be reached.</summary>
    public static async Task<HttpResponseMessage> SendRawAsync(HttpClient http, Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken)
    {
        using var message = request();
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new CentralCcdException($"{what}: could not reach {message.RequestUri!.GetLeftPart(UriPartial.Authority)} ({exception.HttpRequestError})", inner: exception);
        }
        catch (Exception exception) when (exception is TimeoutRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new CentralCcdException($"{what}: {message.RequestUri!.GetLeftPart(UriPartial.Authority)} did not answer in time", inner: exception);
        }
    }

    /// <summary>Sends the request and reads a 2xx answer's JSON body; any other answer throws.</summary>
    public static async Task<T> SendAsync<T>(HttpClient http, Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(http, request, what, cancellationToken);
        EnsureSuccess(response, what);
        return await ReadJsonAsync<T>(response, what, cancellationToken);
    }

    public static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            // The body is not quoted: CCD's error bodies can echo case data.
            throw new CentralCcdException(string.Create(CultureInfo.InvariantCulture, $"{what}: answered {(int)response.StatusCode} {response.ReasonPhrase}"), response.StatusCode);
        }
    }

    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                   ?? throw new CentralCcdException($"{what}: answered an empty body", response.StatusCode);
        }
        catch (JsonException exception)
        {
            throw new CentralCcdException($"{what}: answered a body that is not the expected JSON", response.StatusCode, exception);
        }
    }

    public static bool IsNotFound(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.NotFound;
}
