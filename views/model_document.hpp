// One opened file as the views see it: the model, its path and the selection its panels share.
#pragma once

#include "core/model.hpp"
#include "views/diff_results.hpp"
#include "views/run_results.hpp"
#include "views/selection_model.hpp"

#include <QObject>
#include <QString>

#include <memory>

namespace pteron {

class ModelDocument : public QObject {
    Q_OBJECT
  public:
    ModelDocument(std::shared_ptr<const Model> model, QString path, QObject* parent = nullptr)
        : QObject(parent), model_(std::move(model)), path_(std::move(path)) {}

    const Model& model() const { return *model_; }
    std::shared_ptr<const Model> sharedModel() const { return model_; }
    const QString& path() const { return path_; }
    SelectionModel& selection() { return selection_; }
    // The last run of the built-in runtime on this model, or nullptr.
    const RunResults* runResults() const { return runResults_.get(); }
    void setRunResults(std::shared_ptr<const RunResults> results) {
        runResults_ = std::move(results);
        emit runResultsChanged();
    }

    // The last comparison of this model (side A) with another artifact or a dump, or nullptr.
    const DiffResults* diffResults() const { return diffResults_.get(); }
    void setDiffResults(std::shared_ptr<const DiffResults> results) {
        diffResults_ = std::move(results);
        emit diffResultsChanged();
    }

  signals:
    void runResultsChanged();
    void diffResultsChanged();

  private:
    std::shared_ptr<const Model> model_;
    QString path_;
    SelectionModel selection_;
    std::shared_ptr<const RunResults> runResults_;
    std::shared_ptr<const DiffResults> diffResults_;
};

} // namespace pteron
