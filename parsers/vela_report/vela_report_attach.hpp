// Puts Vela's report figures on a model (summary as metadata, per-layer figures on the nodes
// they name) and finds the reports Vela wrote beside an optimised model.
#pragma once

#include "core/model.hpp"
#include "parsers/vela_report/vela_per_layer.hpp"
#include "parsers/vela_report/vela_summary.hpp"

#include <string>
#include <vector>

namespace pteron::vela_report {

// The summary's figures as typed attributes with readable names ("vela.cycles_total",
// "vela.inference_time_ms", ...); columns without a readable name keep "vela.<column>".
Attributes summaryAttributes(const VelaSummary& summary);

// Sets the summary attributes on model.metadata (replacing same-named ones) and, when `rows` is
// given, attaches the per-layer rows as attachVelaLayers does.
void attachVelaReport(Model& model, const VelaSummary& summary,
                      const std::vector<VelaLayerRow>* rows, const std::string& rowsSource = {});

// Name of the report table holding every per-layer row (Model::findReportTable).
inline constexpr std::string_view kPerLayerTable = "vela.per_layer";

// Keeps every row as the report table "vela.per_layer" (the layout's columns plus "Section",
// "Line" and "Matched Node", the "<graph id>/<node name>" a row was matched to, else empty).
// Matches rows to nodes of every graph by name (the node's name or one of its output values'
// names) and adds "vela.cycles", "vela.macs", "vela.util" and "vela.nng_operator" to them.
// Records row and match counts, and NPU/CPU operator counts from the Target column, in metadata.
// Limit: a row's Name is the original network's output tensor and no column gives the order of
// the NPU operations, so rows match CPU operators and an ethos-u operator's output tensors, never
// the op0..opN operations of a command stream.
void attachVelaLayers(Model& model, const std::vector<VelaLayerRow>& rows,
                      const std::string& source = {});

// Reports beside `modelPath`: for "<dir>/X_vela.tflite" (or X.tflite, X.npz, X_sg0_vela.npz)
// the files "<dir>/X_summary_<system config>.csv" then "<dir>/X_per-layer.csv", sorted.
std::vector<std::string> findReportsBeside(const std::string& modelPath);

// Finds, reads and attaches the reports beside `modelPath`. A summary's file name pairs it with
// the model; when its `network` column is not the model's base name (both files renamed), it is
// still attached and "vela.report_note" says so. When anything is attached, "vela.npu_ops" /
// "vela.cpu_ops" count the model's operators on an NPU partition (ethos-u operators) and the
// rest. A damaged report does not fail the model: its error text goes to metadata
// "vela.report_error". Returns the files attached.
std::vector<std::string> attachReportsBeside(Model& model, const std::string& modelPath);

} // namespace pteron::vela_report
