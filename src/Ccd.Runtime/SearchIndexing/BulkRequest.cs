using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>
/// The NDJSON body of one <c>_bulk</c> request (an action line per item, then the document of an index item) and what
/// each item is, written straight into one buffer. The indexer keeps a few of these and reuses them pass after pass,
/// so a batch's body (about a megabyte for 500 cases) is neither copied per document nor allocated anew on the large
/// object heap, whose churn made the indexer's process spend more on gen 2 collections than on its work (P5).
/// A case's items are written aside first (<see cref="BeginCase"/>) and added by <see cref="CommitCase"/>, so a case
/// whose documents fail half-way adds nothing.
/// </summary>
internal sealed class BulkRequest : IDisposable
{
    // A body grown past this is not kept for the next pass (one unusually large batch should not pin its memory).
    private const int KeptCapacity = 8 * 1024 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly ArrayBufferWriter<byte> _body = new(256 * 1024);
    private readonly ArrayBufferWriter<byte> _case = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private readonly List<(BulkAction Action, string Index)> _items = [];
    private readonly List<(BulkAction Action, string Index)> _caseItems = [];

    public BulkRequest()
    {
        _writer = new Utf8JsonWriter(_case, WriterOptions);
    }

    /// <summary>Items added so far (committed cases only).</summary>
    public int Count => _items.Count;

    /// <summary>The body to send.</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>Whether the buffers are small enough to be reused by another pass.</summary>
    public bool Reusable => _body.Capacity <= KeptCapacity && _case.Capacity <= KeptCapacity;

    /// <summary>Item <paramref name="i"/>'s action and index, in the order of the body (and of the answer's items).</summary>
    public (BulkAction Action, string Index) this[int i] => _items[i];

    /// <summary>A request of the given operations, each its own case (tests and the benchmark's bare client).</summary>
    public static BulkRequest Of(IEnumerable<BulkOperation> operations)
    {
        var request = new BulkRequest();
        foreach (var operation in operations)
        {
            request.BeginCase();
            if (operation.Action == BulkAction.Index)
            {
                request.BeginDocument(operation.Index, operation.Id, operation.Version);
                request.Writer.WriteRawValue(operation.Document ?? throw new InvalidOperationException("An index operation needs a document."), skipInputValidation: true);
                request.EndDocument();
            }
            else
            {
                request.Delete(operation.Index, operation.Id, operation.Version);
            }

            request.CommitCase();
        }

        return request;
    }

    /// <summary>Releases the writer (it holds nothing but these buffers).</summary>
    public void Dispose() => _writer.Dispose();

    /// <summary>Empties the request for another pass.</summary>
    public void Clear()
    {
        _body.ResetWrittenCount();
        _items.Clear();
        BeginCase();
    }

    /// <summary>Starts the items of one case; nothing of them is in the body until <see cref="CommitCase"/>.</summary>
    public void BeginCase()
    {
        _case.ResetWrittenCount();
        _caseItems.Clear();
        _writer.Reset(_case);
    }

    /// <summary>Adds the current case's items to the body.</summary>
    public void CommitCase()
    {
        _writer.Flush();
        _body.Write(_case.WrittenSpan);
        _items.AddRange(_caseItems);
        BeginCase();
    }

    /// <summary>The writer of the document begun by <see cref="BeginDocument(string, long, long)"/>.</summary>
    public Utf8JsonWriter Writer => _writer;

    /// <summary>Writes an index action line; the caller then writes the document with <see cref="Writer"/> and calls <see cref="EndDocument"/>.</summary>
    public void BeginDocument(string index, long id, long version) => Action(BulkAction.Index, index, id, version);

    /// <inheritdoc cref="BeginDocument(string, long, long)"/>
    public void BeginDocument(string index, ReadOnlySpan<char> id, long version) => Action(BulkAction.Index, index, id, version);

    /// <summary>Ends the document written since <see cref="BeginDocument(string, long, long)"/> with its line break.</summary>
    public void EndDocument()
    {
        _writer.Flush();
        _case.Write("\n"u8);
        _writer.Reset();
    }

    /// <summary>Writes a delete action line.</summary>
    public void Delete(string index, long id, long version) => Action(BulkAction.Delete, index, id, version);

    /// <inheritdoc cref="Delete(string, long, long)"/>
    public void Delete(string index, ReadOnlySpan<char> id, long version) => Action(BulkAction.Delete, index, id, version);

    private void Action(BulkAction action, string index, long id, long version)
    {
        Span<char> text = stackalloc char[20];
        id.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        Action(action, index, text[..length], version);
    }

    private void Action(BulkAction action, string index, ReadOnlySpan<char> id, long version)
    {
        _writer.Reset();
        _writer.WriteStartObject();
        _writer.WriteStartObject(action == BulkAction.Index ? "index"u8 : "delete"u8);
        _writer.WriteString("_index"u8, index);
        _writer.WriteString("_id"u8, id);
        _writer.WriteNumber("version"u8, version);
        _writer.WriteString("version_type"u8, "external_gte"u8);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        _case.Write("\n"u8);
        _caseItems.Add((action, index));
        _writer.Reset();
    }
}
