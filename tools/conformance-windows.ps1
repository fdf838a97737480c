<#
  tools/conformance-windows.ps1: the kernel-mode conformance driver on real Windows (issue 13).
  Cannot be run on the project's Linux machines; written for a Windows test VM (README
  "Conformance tests", where the exact commands are).

  Run from an elevated PowerShell 3+ (Windows 8 to 11; Windows 7 / Vista with WMF 3+; on XP and
  2003, which have at most PowerShell 2, run the sc/reg commands of the README by hand and read the
  results file with tools/conformance_results.py):
    powershell -ExecutionPolicy Bypass -File conformance-windows.ps1 -Driver .\conformance.sys -Json .\windows.json
  Options: -Groups "pool,zone" (only these groups), -BugCheckGroups (also run the groups whose
  failure is a bug check: only on a VM you can reset), -ReportSuccess (print passing checks too).

  What it does, and undoes whatever happens (try/finally):
  1. Checks it runs elevated and that the driver's machine matches the OS (an i386 driver on 32-bit
     Windows, x86_64 on 64-bit).
  2. 64-bit Windows Vista and later load only signed kernel drivers: unless test signing is on
     ("bcdedit /set testsigning on", then a reboot) the driver cannot load, and with Secure Boot on
     test signing cannot be turned on at all: the script says which and stops (exit 1) before
     changing anything. With test signing on it creates a throw-away code signing certificate
     (New-SelfSignedCertificate, Windows 10+; on Vista to 8.1 sign the driver yourself with the
     WDK's makecert/signtool, see README, and pass -Presigned), trusts it in LocalMachine\Root and
     LocalMachine\TrustedPublisher, and signs a copy of the driver (Set-AuthenticodeSignature),
     as Wine's dlls/ntoskrnl.exe/tests do with their own test certificate.
     32-bit Windows and XP/2003 x64 do not enforce kernel signatures: nothing is signed there.
  3. Creates the kernel service Conformance for the copy, writes its Parameters (ResultsFile,
     Place = windows, Groups, BugCheckGroups), starts it (DriverEntry runs every group and
     returns), stops and deletes it. A start failure is explained (577: the signature was not
     accepted; 1275: blocked by policy).
  4. Removes the certificate from the three stores and the signed copy, then reads the results
     file and prints it in Wine's format; with -Json writes the same JSON as tools/conformance.sh
     (place "Windows <version> <arch>", place_id "windows": tools/compare takes it as the
     reference column). Exit status: the number of failures (1 at least if the driver did not run).
#>
param(
    [Parameter(Mandatory = $true)][string]$Driver,
    [string]$Json,
    [string]$Groups,
    [switch]$BugCheckGroups,
    [switch]$ReportSuccess,
    [switch]$Presigned
)
$ErrorActionPreference = 'Stop'
$service = 'Conformance'
$results = Join-Path $env:SystemRoot 'Temp\ntoskrnl_conformance.txt'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Write-Output 'conformance: run this from an elevated PowerShell (administrator)'; exit 1
}
$Driver = (Resolve-Path $Driver).Path
$bytes = [IO.File]::ReadAllBytes($Driver)
$machine = [BitConverter]::ToUInt16($bytes, [BitConverter]::ToInt32($bytes, 0x3C) + 4)
$os64 = [IntPtr]::Size -eq 8 -or $env:PROCESSOR_ARCHITEW6432
if (($machine -eq 0x8664) -ne [bool]$os64) {
    Write-Output ('conformance: {0} is a {1} driver; this Windows is {2}-bit: use the other build' -f $Driver,
        $(if ($machine -eq 0x8664) { 'x86_64' } else { 'i386' }), $(if ($os64) { 64 } else { 32 })); exit 1
}
$arch = if ($machine -eq 0x8664) { 'x86_64' } else { 'i386' }
$version = [Environment]::OSVersion.Version
$title = 'Windows {0}.{1}.{2} {3}' -f $version.Major, $version.Minor, $version.Build, $(if ($os64) { 'x64' } else { 'x86' })
$needSignature = $os64 -and $version.Major -ge 6

if ($needSignature -and -not $Presigned) {
    $secureBoot = $false
    try { $secureBoot = Confirm-SecureBootUEFI } catch { $secureBoot = $false }
    $testSigning = [bool](& bcdedit.exe /enum '{current}' | Select-String -Pattern 'testsigning\s+Yes')
    if ($secureBoot) {
        Write-Output 'conformance: Secure Boot is on: Windows loads no test-signed driver and test signing cannot be enabled. Turn Secure Boot off in the VM firmware, then "bcdedit /set testsigning on" and reboot. Skipped.'; exit 1
    }
    if (-not $testSigning) {
        Write-Output 'conformance: test signing is off: 64-bit Windows loads only signed drivers. Run "bcdedit /set testsigning on" and reboot, then run this again. Skipped.'; exit 1
    }
    if (-not (Get-Command New-SelfSignedCertificate -ErrorAction SilentlyContinue) -or
        -not ((Get-Command New-SelfSignedCertificate).Parameters.ContainsKey('Type'))) {
        Write-Output 'conformance: this Windows has no New-SelfSignedCertificate -Type (Windows 10+): sign the driver with the WDK (README) and pass -Presigned. Skipped.'; exit 1
    }
}

$copy = Join-Path $env:SystemRoot ('System32\drivers\conformance_test.sys')
$cert = $null
$status = 1
try {
    Copy-Item -Force $Driver $copy
    if ($needSignature -and -not $Presigned) {
        $cert = New-SelfSignedCertificate -Type CodeSigningCert -Subject 'CN=ntoskrnl conformance (throw-away test certificate)' `
            -CertStoreLocation Cert:\LocalMachine\My -NotAfter (Get-Date).AddDays(1)
        foreach ($store in 'Root', 'TrustedPublisher') {
            $s = New-Object Security.Cryptography.X509Certificates.X509Store($store, 'LocalMachine')
            $s.Open('ReadWrite'); $s.Add($cert); $s.Close()
        }
        $sig = Set-AuthenticodeSignature -FilePath $copy -Certificate $cert -HashAlgorithm SHA256
        if ($sig.Status -ne 'Valid') { Write-Output "conformance: signing failed: $($sig.StatusMessage)"; exit 1 }
    }
    Remove-Item -Force -ErrorAction SilentlyContinue $results
    & sc.exe stop $service 2>&1 | Out-Null
    & sc.exe delete $service 2>&1 | Out-Null
    & sc.exe create $service type= kernel start= demand binPath= $copy | Out-Null
    if ($LASTEXITCODE -ne 0) { Write-Output "conformance: sc create failed ($LASTEXITCODE)"; exit 1 }
    $key = "HKLM:\SYSTEM\CurrentControlSet\Services\$service\Parameters"
    New-Item -Force -Path $key | Out-Null
    New-ItemProperty -Force -Path $key -Name ResultsFile -PropertyType String -Value ('\??\' + $results) | Out-Null
    New-ItemProperty -Force -Path $key -Name Place -PropertyType String -Value 'windows' | Out-Null
    if ($Groups) { New-ItemProperty -Force -Path $key -Name Groups -PropertyType String -Value $Groups | Out-Null }
    New-ItemProperty -Force -Path $key -Name BugCheckGroups -PropertyType DWord -Value ([int][bool]$BugCheckGroups) | Out-Null
    $out = & sc.exe start $service 2>&1
    $code = $LASTEXITCODE
    if ($code -ne 0) {
        $why = switch ($code) {
            577 { 'the signature was not accepted (ERROR_INVALID_IMAGE_HASH: test signing off, Secure Boot, or the certificate is not trusted)' }
            1275 { 'the driver is blocked by policy (ERROR_DRIVER_BLOCKED: HVCI / memory integrity or a block list)' }
            default { "sc start failed with $code" }
        }
        Write-Output "conformance: the driver did not load: $why"
        $out | ForEach-Object { Write-Output "  $_" }
    }
    & sc.exe stop $service 2>&1 | Out-Null
} finally {
    & sc.exe delete $service 2>&1 | Out-Null
    Remove-Item -Force -ErrorAction SilentlyContinue $copy
    if ($cert) {
        foreach ($store in 'My', 'Root', 'TrustedPublisher') {
            $s = New-Object Security.Cryptography.X509Certificates.X509Store($store, 'LocalMachine')
            $s.Open('ReadWrite')
            $s.Certificates | Where-Object { $_.Thumbprint -eq $cert.Thumbprint } | ForEach-Object { $s.Remove($_) }
            $s.Close()
        }
    }
}

# ---- the results, as tools/conformance_results.py reads them ----
if (-not (Test-Path $results)) { Write-Output 'conformance: no results file: the driver did not run'; exit 1 }
$kinds = @(@('Test succeeded inside todo block: ', 'todo_pass'), @('Test succeeded: ', 'pass'), @('Test failed: ', 'fail'),
           @('Test marked todo: ', 'todo'), @('Tests skipped: ', 'skip'))
$checks = New-Object Collections.ArrayList
$groupsSeen = New-Object Collections.ArrayList
$group = $null; $ordinals = @{}; $complete = $false; $header = $null; $failures = 0
foreach ($line in (Get-Content $results)) {
    if ($line.StartsWith('conformance: place ')) { $header = $line.Substring(13) }
    if ($line -eq 'conformance: end') { $complete = $true }
    if ($line -match '^ntoskrnl:(\w+) start ') { $group = $Matches[1]; [void]$groupsSeen.Add($group); $ordinals = @{}; Write-Output $line; continue }
    if ($group -and $line -match '^([^:\s]+):(\d+): (.*)$') {
        $file = $Matches[1]; $ln = [int]$Matches[2]; $rest = $Matches[3]; $best = $null
        foreach ($k in $kinds) {
            $pos = $rest.IndexOf($k[0])
            if ($pos -ge 0 -and ($best -eq $null -or $pos -lt $best[0])) { $best = @($pos, $k[0], $k[1]) }
        }
        if ($best) {
            $loc = "${file}:$ln"
            $ordinals[$loc] = 1 + [int]$ordinals[$loc]
            [void]$checks.Add([ordered]@{ id = "$group/$loc#$($ordinals[$loc])"; location = $loc; file = $file; line = $ln;
                group = $group; outcome = $best[2]; context = $rest.Substring(0, $best[0]).TrimEnd(': ');
                message = $rest.Substring($best[0] + $best[1].Length) })
            if ($best[2] -eq 'fail' -or $best[2] -eq 'todo_pass') { $failures++ }
            if ($best[2] -eq 'pass' -and -not $ReportSuccess) { continue }
        }
    }
    Write-Output $line
}
if (-not $complete) { Write-Output 'conformance: the results end before "conformance: end" (the driver stopped early)' }
if ($Json) {
    $groupRows = foreach ($g in $groupsSeen) {
        $mine = @($checks | Where-Object { $_.group -eq $g })
        [ordered]@{ name = $g; pass = @($mine | Where-Object { $_.outcome -eq 'pass' }).Count;
            fail = @($mine | Where-Object { $_.outcome -eq 'fail' }).Count; todo = @($mine | Where-Object { $_.outcome -eq 'todo' }).Count;
            todo_pass = @($mine | Where-Object { $_.outcome -eq 'todo_pass' }).Count; skip = @($mine | Where-Object { $_.outcome -eq 'skip' }).Count }
    }
    $doc = [ordered]@{ place = $title; place_id = 'windows'; arch = $arch; header = $header; complete = $complete;
        summary = [ordered]@{ checks = $checks.Count; failures = $failures };
        groups = @($groupRows); checks = @($checks) }
    # ConvertTo-Json: PowerShell 3+ (on PowerShell 2 copy the results file and run tools/conformance_results.py elsewhere).
    $doc | ConvertTo-Json -Depth 5 | Set-Content -Encoding UTF8 $Json
}
$status = $failures + $(if ($complete) { 0 } else { 1 })
exit [Math]::Min($status, 255)
