// The on-screen keyboard: Qt Virtual Keyboard's InputPanel, hosted in a QQuickWidget
// at the bottom of the kiosk window (the playos approach).  The panel is narrower than
// a wide screen so its height (proportional to its width) leaves room for the question.
import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Rectangle {
    id: root
    color: "#071a33"
    property real maxPanelWidth: width
    property string locale: "id_ID"
    readonly property real panelHeight: panel.height
    readonly property bool panelActive: panel.active

    InputPanel {
        id: panel
        objectName: "inputPanel"
        width: Math.min(root.width, root.maxPanelWidth)
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
    }

    onLocaleChanged: {
        VirtualKeyboardSettings.activeLocales = [root.locale]
        VirtualKeyboardSettings.locale = root.locale
    }
    Component.onCompleted: {
        VirtualKeyboardSettings.activeLocales = [root.locale]
        VirtualKeyboardSettings.locale = root.locale
        VirtualKeyboardSettings.wordCandidateList.alwaysVisible = false
        // No "hide keyboard" and no "next language" key: the keyboard follows the field
        // with focus, and the language is chosen with the big buttons on screen.
        VirtualKeyboardSettings.visibleFunctionKeys = QtVirtualKeyboard.KeyboardFunctionKeys.None
        // Elderly fingers rest on a key: a long press must type the key, not open the accent
        // menu (holding "a" typed "Ä"), the settings menu (which hid the keyboard) or the
        // symbols.  Every key acts when the finger lifts.
        panel.keyboard.pressAndHoldDelay = 2147483647
    }
}
