namespace Ccd.Runtime.Import;

/// <summary>
/// Reads of CCD's own tables (<c>case_data</c>, <c>case_event</c>, <c>case_event_significant_items</c>, standard
/// columns only). Each returns exactly the columns of the matching staging table (<see cref="ImportStaging"/>), in order.
/// </summary>
internal static class SourceQueries
{
    public const string MaxEventIdSql = """
        SELECT coalesce(max(e.id), 0) FROM case_event e JOIN case_data c ON c.id = e.case_data_id WHERE c.case_type_id = @case_type
        """;

    public const string CountCasesSql = "SELECT count(*) FROM case_data WHERE case_type_id = @case_type";

    public const string CountEventsAboveSql = """
        SELECT count(*) FROM case_event e JOIN case_data c ON c.id = e.case_data_id WHERE c.case_type_id = @case_type AND e.id > @mark
        """;

    /// <summary>
    /// The store's version of a CCD case: CCD's entity version starts at 0 (a case with only its create event) where
    /// the store's starts at 1, and old rows may have none. Import and <c>--verify</c> both map it with this.
    /// </summary>
    public const string StoreVersion = "greatest(coalesce(c.version, 1), 1)";

    private const string CaseColumns = $$"""
        c.id, c.reference, c.jurisdiction, c.case_type_id, c.state, c.data,
        coalesce(c.data_classification, '{}'::jsonb), coalesce(c.supplementary_data, '{}'::jsonb),
        c.security_classification::text, {{StoreVersion}}, c.resolved_ttl, c.created_date,
        coalesce(c.last_modified, c.created_date), coalesce(c.last_state_modified_date, c.last_modified, c.created_date)
        """;

    private const string EventColumns = """
        e.id, c.reference, e.event_id, e.event_name, e.summary, e.description, e.user_id, e.user_first_name, e.user_last_name,
        e.proxied_by, e.proxied_by_first_name, e.proxied_by_last_name, e.created_date, e.case_type_id, e.case_type_version,
        e.state_id, coalesce(e.state_name, ''), e.data, coalesce(e.data_classification, '{}'::jsonb), e.security_classification::text
        """;

    /// <summary>The next preload batch: cases after the cursor that have history at or below the mark (newer cases are the cutover's).</summary>
    public const string PreloadCasesSql = $"""
        SELECT {CaseColumns}
        FROM case_data c
        WHERE c.case_type_id = @case_type AND c.id > @cursor
          AND EXISTS (SELECT 1 FROM case_event e WHERE e.case_data_id = c.id AND e.id <= @mark)
        ORDER BY c.id
        LIMIT @limit
        """;

    public const string PreloadEventsSql = $"""
        SELECT {EventColumns}
        FROM case_event e JOIN case_data c ON c.id = e.case_data_id
        WHERE e.case_data_id = ANY(@case_ids) AND e.id <= @mark
        ORDER BY e.id
        """;

    public const string PreloadItemsSql = """
        SELECT i.id, i.case_event_id, i.type::text, i.description, i.url
        FROM case_event_significant_items i JOIN case_event e ON e.id = i.case_event_id
        WHERE e.case_data_id = ANY(@case_ids) AND e.id <= @mark
        """;

    /// <summary>The next cutover batch: events above the mark, in id order (the order CCD wrote them).</summary>
    public const string CutoverEventsSql = $"""
        SELECT {EventColumns}, c.id
        FROM case_event e JOIN case_data c ON c.id = e.case_data_id
        WHERE c.case_type_id = @case_type AND e.id > @mark
        ORDER BY e.id
        LIMIT @limit
        """;

    public const string CasesByIdSql = $"""
        SELECT {CaseColumns} FROM case_data c WHERE c.id = ANY(@case_ids)
        """;

    public const string EventsByIdSql = $"""
        SELECT {EventColumns}, c.id
        FROM case_event e JOIN case_data c ON c.id = e.case_data_id
        WHERE e.id = ANY(@event_ids)
        """;

    /// <summary>
    /// Cutover's sweep of every case of the case type: for events the preload could not see (committed after it, with
    /// a lower id than the mark), and for case rows CCD changed without an event (supplementary data), found by
    /// their digest. A pointer row (<see cref="ImportVerifier.IsPointer"/>) is never copied over a case.
    /// </summary>
    public const string SweepCasesSql = $"""
        SELECT c.id, c.reference, md5(array_to_string({ImportVerifier.SourceColumnDigests}, '|'))
        FROM case_data c WHERE c.case_type_id = @case_type AND c.id > @cursor AND NOT {ImportVerifier.IsPointer} ORDER BY c.id LIMIT @limit
        """;

    /// <summary>The store's digests of the same cases (<see cref="SweepCasesSql"/>), by reference.</summary>
    public const string StoreDigestsSql = $"""
        SELECT c.reference, md5(array_to_string({ImportVerifier.StoreColumnDigests}, '|')) FROM ccd.case_data c WHERE c.reference = ANY(@references)
        """;

    public const string SweepEventIdsSql = """
        SELECT e.id FROM case_event e WHERE e.case_data_id = ANY(@case_ids)
        """;

    public const string ExistingReferencesSql = """
        SELECT c.reference FROM case_data c WHERE c.reference = ANY(@references) AND c.case_type_id = @case_type
        """;

    public const string ItemsByEventSql = """
        SELECT i.id, i.case_event_id, i.type::text, i.description, i.url
        FROM case_event_significant_items i WHERE i.case_event_id = ANY(@event_ids)
        """;
}
