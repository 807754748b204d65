@echo off
rem SPDX-License-Identifier: Apache-2.0
rem
rem examples/submit_job.bat - submit an optimisation job to a parquant queue
rem (docs/queue.md) from Windows, on a share that is already mapped.
rem
rem   submit_job.bat FILE.csv [PORTFOLIO_SIZE] [DRIVE]
rem
rem FILE.csv must already be in DRIVE:\input\ (copy it there first).  The
rem share is reached through a drive the user mapped with their own logon
rem (e.g. "net use L: \\server\optimizer_share" typed once, which asks for
rem the password): this script stores no user name and no password.
rem It writes the job file under a temporary name and renames it (MOVE on the
rem same share is a rename), then waits up to 30 minutes for the record in
rem jobs\completed\ or jobs\failed\.
setlocal EnableDelayedExpansion

if "%~1"=="" (
    echo usage: %~nx0 FILE.csv [PORTFOLIO_SIZE] [DRIVE]
    exit /b 2
)
set "INPUT=%~nx1"
set "SIZE=%~2"
if "%SIZE%"=="" set "SIZE=35"
set "DRIVE=%~3"
if "%DRIVE%"=="" set "DRIVE=L"
set "SHARE=%DRIVE%:"

if not exist "%SHARE%\jobs\queue\" (
    echo %SHARE% is not a parquant share: map it first, e.g. net use %SHARE% \\server\optimizer_share
    exit /b 1
)
if not exist "%SHARE%\input\%INPUT%" (
    echo %SHARE%\input\%INPUT% does not exist: copy the file into %SHARE%\input\ first
    exit /b 1
)

rem job id: job_<date>_<time>_<random>, only characters a job id may hold
for /f "tokens=2 delims==" %%I in ('wmic os get localdatetime /value') do set "NOW=%%I"
set "JOB_ID=job_!NOW:~0,8!_!NOW:~8,6!_%RANDOM%%RANDOM%"
set "TMPFILE=%SHARE%\jobs\queue\.%JOB_ID%.tmp"

(
    echo {"job_id": "%JOB_ID%",
    echo  "input_file": "%INPUT%",
    echo  "portfolio_size": %SIZE%,
    echo  "job_type": "complete_optimization",
    echo  "timestamp": "%DATE% %TIME%",
    echo  "client_info": {"computer_name": "%COMPUTERNAME%", "username": "%USERNAME%", "drive_letter": "%DRIVE%"}}
) > "%TMPFILE%"
move /Y "%TMPFILE%" "%SHARE%\jobs\queue\%JOB_ID%.json" >nul || (
    echo cannot write the job file into %SHARE%\jobs\queue\
    exit /b 1
)
echo submitted %JOB_ID%

rem wait: 3 s between looks, at most 600 looks (30 minutes)
for /l %%N in (1,1,600) do (
    if exist "%SHARE%\jobs\completed\%JOB_ID%.json" (
        echo completed: results in %SHARE%\output\%JOB_ID%\
        type "%SHARE%\jobs\completed\%JOB_ID%.json"
        exit /b 0
    )
    if exist "%SHARE%\jobs\failed\%JOB_ID%.json" (
        echo failed: the reason is in the record below
        type "%SHARE%\jobs\failed\%JOB_ID%.json"
        exit /b 1
    )
    if exist "%SHARE%\jobs\processing\%JOB_ID%.json" (echo running...) else (echo queued...)
    timeout /t 3 /nobreak >nul
)
echo still not finished after 30 minutes: run this later to look again, or see %SHARE%\jobs\
exit /b 1
