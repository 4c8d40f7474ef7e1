#!/usr/bin/env python3
"""Writes flowdex-saved-objects.ndjson: Kibana data views, aggregation-based visualisations and
the "flowdex: traffic overview" dashboard. Run it after changing a field name or index pattern;
the output is committed so the lab stack needs no Python."""
import json
import os

FLOWS_PATTERN = "flowdex-flows-*"
COUNTERS_PATTERN = "flowdex-counters-*"
FLOWS_VIEW = "flowdex-flows"
COUNTERS_VIEW = "flowdex-counters"


def data_view(view_id, title, name):
    return {"type": "index-pattern", "id": view_id,
            "attributes": {"title": title, "name": name, "timeFieldName": "@timestamp"},
            "references": []}


def vis(vis_id, title, vis_type, aggs, params, view=FLOWS_VIEW):
    state = {"title": title, "type": vis_type, "aggs": aggs, "params": params}
    search = {"query": {"query": "", "language": "kuery"}, "filter": [],
              "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}
    return {"type": "visualization", "id": vis_id,
            "attributes": {"title": title, "visState": json.dumps(state), "uiStateJSON": "{}",
                           "description": "", "version": 1,
                           "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(search)}},
            "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index",
                            "type": "index-pattern", "id": view}]}


def metric_sum(field, agg_id="1"):
    return {"id": agg_id, "enabled": True, "type": "sum", "schema": "metric",
            "params": {"field": field}}


def terms(field, schema, size=10, agg_id="2", order_by="1"):
    return {"id": agg_id, "enabled": True, "type": "terms", "schema": schema,
            "params": {"field": field, "size": size, "order": "desc", "orderBy": order_by,
                       "otherBucket": True, "missingBucket": False}}


def date_histogram(agg_id="2", schema="segment"):
    return {"id": agg_id, "enabled": True, "type": "date_histogram", "schema": schema,
            "params": {"field": "@timestamp", "interval": "auto", "min_doc_count": 1,
                       "extended_bounds": {}}}


def line_params():
    return {"type": "line", "addTooltip": True, "addLegend": True, "legendPosition": "right",
            "seriesParams": [{"show": True, "type": "line", "mode": "normal",
                              "data": {"label": "Sum of bytes", "id": "1"},
                              "valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": True,
                              "showCircles": False, "interpolate": "linear"}],
            "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "bottom",
                              "show": True, "labels": {"show": True, "truncate": 100},
                              "scale": {"type": "linear"}, "title": {}}],
            "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value",
                           "position": "left", "show": True, "scale": {"type": "linear",
                                                                         "mode": "normal"},
                           "labels": {"show": True, "rotate": 0, "filter": False,
                                      "truncate": 100}, "title": {"text": "bytes"}}],
            "grid": {"categoryLines": False}, "times": [], "addTimeMarker": False}


def table_params():
    return {"perPage": 10, "showPartialRows": False, "showMetricsAtAllLevels": False,
            "showTotal": False, "totalFunc": "sum", "percentageCol": ""}


def pie_params():
    return {"type": "pie", "addTooltip": True, "addLegend": True, "legendPosition": "right",
            "isDonut": True, "labels": {"show": False, "values": True, "last_level": True,
                                        "truncate": 100}}


def main():
    objs = [data_view(FLOWS_VIEW, FLOWS_PATTERN, "flowdex flows"),
            data_view(COUNTERS_VIEW, COUNTERS_PATTERN, "flowdex interface counters")]
    panels = [
        vis("flowdex-bytes-over-time", "flowdex: bytes over time", "line",
            [metric_sum("network.bytes"), date_histogram()], line_params()),
        vis("flowdex-bytes-by-protocol", "flowdex: bytes by transport", "pie",
            [metric_sum("network.bytes"), terms("network.transport", "segment")], pie_params()),
        vis("flowdex-top-sources", "flowdex: top sources by bytes", "table",
            [metric_sum("network.bytes"), terms("source.ip", "bucket", 20)], table_params()),
        vis("flowdex-top-destinations", "flowdex: top destinations by bytes", "table",
            [metric_sum("network.bytes"), terms("destination.ip", "bucket", 20)],
            table_params()),
        vis("flowdex-top-ports", "flowdex: top destination ports by bytes", "pie",
            [metric_sum("network.bytes"), terms("destination.port", "segment", 15)],
            pie_params()),
        vis("flowdex-source-countries", "flowdex: bytes by source country", "table",
            [metric_sum("network.bytes"),
             terms("source.geo.country_iso_code", "bucket", 20)], table_params()),
        vis("flowdex-source-as", "flowdex: bytes by source AS organisation", "table",
            [metric_sum("network.bytes"),
             terms("source.as.organization.name", "bucket", 20)], table_params()),
        vis("flowdex-exporters", "flowdex: flows by exporter", "table",
            [{"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}},
             terms("observer.ip", "bucket", 20)], table_params()),
    ]
    objs.extend(panels)
    grid = []
    refs = []
    for i, p in enumerate(panels):
        w = 48 if i == 0 else 24
        x = 0 if i == 0 else 24 * ((i - 1) % 2)
        y = 0 if i == 0 else 15 * (1 + (i - 1) // 2)
        grid.append({"version": "8.15.3", "type": "visualization", "panelIndex": str(i + 1),
                     "gridData": {"x": x, "y": y, "w": w, "h": 15, "i": str(i + 1)},
                     "embeddableConfig": {}, "panelRefName": f"panel_{i + 1}"})
        refs.append({"name": f"panel_{i + 1}", "type": "visualization", "id": p["id"]})
    objs.append({"type": "dashboard", "id": "flowdex-overview",
                 "attributes": {"title": "flowdex: traffic overview",
                                "description": "Flows collected by flowdex",
                                "panelsJSON": json.dumps(grid),
                                "optionsJSON": json.dumps({"useMargins": True,
                                                           "hidePanelTitles": False}),
                                "timeRestore": True, "timeFrom": "now-1h", "timeTo": "now",
                                "refreshInterval": {"pause": False, "value": 30000},
                                "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(
                                    {"query": {"query": "", "language": "kuery"},
                                     "filter": []})}},
                 "references": refs})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "flowdex-saved-objects.ndjson")
    with open(out, "w") as f:
        for o in objs:
            f.write(json.dumps(o, sort_keys=True) + "\n")
    print(f"wrote {len(objs)} objects to {out}")


if __name__ == "__main__":
    main()
