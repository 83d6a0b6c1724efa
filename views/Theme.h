#pragma once

#include <QString>

namespace cw {

/// The application's colours. System follows the desktop; Light and Dark are fixed palettes
/// (Fusion style) so a wall screen looks the same on any machine.
enum class Theme { System, Light, Dark };

QString themeName(Theme theme); ///< "system", "light", "dark" (settings value)
QString themeLabel(Theme theme); ///< "Follow the system", "Light", "Dark"
/// Unknown names give System.
Theme themeFromName(const QString &name);
/// Applies @p theme to the running QApplication.
void applyTheme(Theme theme);

} // namespace cw
