using System.Text;
using Ccd.Runtime.SearchIndexing;
using Xunit;

namespace Ccd.Runtime.Tests.SearchIndexing;

public sealed class BulkRequestTests
{
    [Fact]
    public void the_body_is_ndjson_of_the_committed_cases_only_and_a_case_that_failed_half_way_leaves_nothing()
    {
        using var request = new BulkRequest();
        request.BeginCase();
        request.BeginDocument("a58_cases", 42, 3);
        request.Writer.WriteStartObject();
        request.Writer.WriteNumber("case_revision", 3);
        request.Writer.WriteEndObject();
        request.EndDocument();
        request.CommitCase();

        // A case whose second document fails midway (as a build that throws would leave it) is dropped whole.
        request.BeginCase();
        request.BeginDocument("a58_cases", 43, 1);
        request.Writer.WriteStartObject();
        request.Writer.WriteString("half", "written");
        request.BeginCase();

        request.Delete("a58_cases", 44, 7);
        request.Delete("global_search", 44, 7);
        request.CommitCase();

        Assert.Equal(
            """
            {"index":{"_index":"a58_cases","_id":"42","version":3,"version_type":"external_gte"}}
            {"case_revision":3}
            {"delete":{"_index":"a58_cases","_id":"44","version":7,"version_type":"external_gte"}}
            {"delete":{"_index":"global_search","_id":"44","version":7,"version_type":"external_gte"}}

            """.ReplaceLineEndings("\n"),
            Encoding.UTF8.GetString(request.Body.Span));
        Assert.Equal(3, request.Count);
        Assert.Equal([(BulkAction.Index, "a58_cases"), (BulkAction.Delete, "a58_cases"), (BulkAction.Delete, "global_search")],
            Enumerable.Range(0, request.Count).Select(i => request[i]));
    }

    [Fact]
    public void a_cleared_request_writes_the_next_batch_from_scratch()
    {
        using var first = BulkRequest.Of([new BulkOperation(BulkAction.Index, "x_cases", "1", 1, """{"a":1}"""u8.ToArray())]);
        var once = first.Body.ToArray();
        first.Clear();
        Assert.Equal(0, first.Count);
        Assert.True(first.Body.IsEmpty);

        first.BeginCase();
        first.BeginDocument("x_cases", "1", 1);
        first.Writer.WriteRawValue("""{"a":1}"""u8, skipInputValidation: true);
        first.EndDocument();
        first.CommitCase();
        Assert.Equal(once, first.Body.ToArray());
        Assert.Equal(1, first.Count);
    }
}
