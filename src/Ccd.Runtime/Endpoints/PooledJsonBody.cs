using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Ccd.Runtime.Endpoints;

/// <summary>
/// A JSON answer built in segments rented from the shared array pool, then written to the response with its length
/// and given back: a large answer (a long history) is never copied to grow a buffer nor allocated on the large
/// object heap, and it is complete before anything is sent, so a failure while building it is still a problem answer.
/// </summary>
internal sealed class PooledJsonBody : IBufferWriter<byte>, IResult
{
    private const int SegmentSize = 32 * 1024;

    private readonly List<(byte[] Array, int Length)> _filled = [];
    private byte[] _current = ArrayPool<byte>.Shared.Rent(SegmentSize);
    private int _used;

    public int Status { get; set; } = StatusCodes.Status200OK;

    public long Length
    {
        get
        {
            long length = _used;
            foreach (var (_, filled) in _filled)
            {
                length += filled;
            }

            return length;
        }
    }

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsSpan(_used);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            var response = httpContext.Response;
            response.StatusCode = Status;
            response.ContentType = "application/json";
            response.ContentLength = Length;
            foreach (var (array, length) in _filled)
            {
                response.BodyWriter.Write(array.AsSpan(0, length));
            }

            response.BodyWriter.Write(_current.AsSpan(0, _used));
            await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        }
        finally
        {
            Return();
        }
    }

    /// <summary>Gives the segments back (after the answer was written, or when it is not sent).</summary>
    public void Return()
    {
        foreach (var (array, _) in _filled)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _filled.Clear();
        if (_current.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = [];
        }

        _used = 0;
    }

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_current.Length - _used >= sizeHint)
        {
            return;
        }

        if (_used > 0)
        {
            _filled.Add((_current, _used));
        }
        else if (_current.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_current);
        }

        _current = ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, sizeHint));
        _used = 0;
    }
}
