// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

#include <functional>

class QLabel;
class QPushButton;

namespace satgpt {

/// A non-modal strip above the canvas for problems and offers (QGIS's message bar): the newest
/// message replaces the previous one; information hides itself after a while, warnings and
/// errors stay until closed. Optionally carries one action button. GUI thread only.
class MessageBar final : public QFrame
{
    Q_OBJECT
public:
    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(const QString &title, const QString &text, QtMsgType severity,
                     const QString &actionText = {}, std::function<void()> action = {});
    QString title() const;
    QString text() const;

private:
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_action = nullptr;
    std::function<void()> m_callback;
    int m_serial = 0;
};

} // namespace satgpt
