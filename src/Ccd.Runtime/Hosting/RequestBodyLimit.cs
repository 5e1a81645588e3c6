using Ccd.Runtime.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ccd.Runtime.Hosting;

/// <summary>
/// Enforces <c>Ccd:MaxRequestBodyBytes</c> on every request, whatever server hosts the application. Kestrel enforces
/// its own limit (set from the same option), but other servers (the in-memory test server, a reverse-proxy bridge)
/// do not, and an unbounded body would be read whole into memory. A declared length over the limit is refused before
/// reading; a chunked body is counted as it is read.
/// </summary>
internal static class RequestBodyLimit
{
    // Not async: nothing runs after the rest of the pipeline, so no state machine per request.
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<CcdOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is null || feature.IsReadOnly || feature.MaxRequestBodySize is null || feature.MaxRequestBodySize > limit)
        {
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
        }

        return next(context);
    });

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes (Ccd:MaxRequestBodyBytes).", StatusCodes.Status413PayloadTooLarge);

    /// <summary>A read-only view of the body that fails with 413 once more than the limit has been read.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw TooLarge(limit) : read;
        }
    }
}
