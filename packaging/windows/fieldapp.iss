; Inno Setup script: the Windows installer of fieldapp, from the one-folder bundle.
; NOT RUN OR TESTED YET: written on Linux, where Inno Setup is not available. Build it on
; the Windows build machine after `pyinstaller build_installer.spec --noconfirm --clean`:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\fieldapp.iss
; Output: dist\installer\fieldapp-<version>-setup.exe. See docs/install.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "fieldapp"
#define Bundle "..\..\dist\fieldapp"

[Setup]
; Keep AppId forever: upgrades and uninstall find the installation by it.
AppId={{6C2B7B0E-5D54-4E0B-9C1A-3F1E8A2D7C41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=fieldapp
DefaultDirName={autopf}\fieldapp
DefaultGroupName=fieldapp
; Per-user install by default (no administrator needed on engineers' laptops); the
; dialog offers an all-users install.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist\installer
OutputBaseFilename=fieldapp-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\fieldapp.ico
UninstallDisplayIcon={app}\fieldapp.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An upgrade replaces the program folder; it must not be running.
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Files of the previous version that the new one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\fieldapp"; Filename: "{app}\fieldapp.exe"
Name: "{group}\{cm:UninstallProgram,fieldapp}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\fieldapp"; Filename: "{app}\fieldapp.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\fieldapp.exe"; Description: "{cm:LaunchProgram,fieldapp}"; Flags: nowait postinstall skipifsilent

; The data folder (%LOCALAPPDATA%\fieldapp: the store, settings) is never touched by the
; installer or the uninstaller: an upgrade keeps it, the program migrates it at start.
