#pragma once

#include <QSpinBox>
#include <chrono>

namespace cw {

/// A duration in milliseconds, shown and typed as the drill file writes it: "90 s", "5 min",
/// "1500 ms" (also "90s", "2m", "1.5s", "1h"; a bare number is seconds). Any whole number of
/// milliseconds shows exactly, so a drill file's values survive a trip through the form.
class DurationSpinBox final : public QSpinBox {
    Q_OBJECT
public:
    explicit DurationSpinBox(QWidget *parent = nullptr);

    [[nodiscard]] std::chrono::milliseconds duration() const;
    void setDuration(std::chrono::milliseconds duration);

    /// "90 s", "5 min", "1500 ms", "2 h".
    static QString format(qint64 ms);
    /// The milliseconds of @p text, or -1 when it is not a duration.
    static qint64 parse(const QString &text);

protected:
    QString textFromValue(int value) const override;
    int valueFromText(const QString &text) const override;
    QValidator::State validate(QString &input, int &pos) const override;
    void fixup(QString &input) const override;
};

} // namespace cw
