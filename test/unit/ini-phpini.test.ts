// `php --ini` output parsing (pure part of "Find PHP AppSec ini files") and the AppSec detection of ini texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdsAppsec, iniFilesOf, parsePhpIni } from '../../src/core/ini/phpIni';

test('Debian CLI: loaded php.ini, one scan dir, additional files wrapped over lines', () => {
  const out = [
    'Configuration File (php.ini) Path: /etc/php/8.1/cli',
    'Loaded Configuration File:         /etc/php/8.1/cli/php.ini',
    'Scan for additional .ini files in: /etc/php/8.1/cli/conf.d',
    'Additional .ini files parsed:      /etc/php/8.1/cli/conf.d/10-mysqlnd.ini,',
    '/etc/php/8.1/cli/conf.d/10-opcache.ini,',
    '/etc/php/8.1/cli/conf.d/98-ddtrace.ini',
    '',
  ].join('\n');
  const info = parsePhpIni(out);
  assert.deepEqual(info, {
    configPath: '/etc/php/8.1/cli',
    loaded: '/etc/php/8.1/cli/php.ini',
    scanDirs: ['/etc/php/8.1/cli/conf.d'],
    additional: ['/etc/php/8.1/cli/conf.d/10-mysqlnd.ini', '/etc/php/8.1/cli/conf.d/10-opcache.ini', '/etc/php/8.1/cli/conf.d/98-ddtrace.ini'],
  });
  assert.deepEqual(iniFilesOf(info), ['/etc/php/8.1/cli/php.ini', ...info.additional]);
});

test('official Docker image: no php.ini loaded, CRLF, several scan dirs from PHP_INI_SCAN_DIR', () => {
  const out =
    'Configuration File (php.ini) Path: /usr/local/etc/php\r\nLoaded Configuration File:         (none)\r\nScan for additional .ini files in: /usr/local/etc/php/conf.d:/opt/extra\r\nAdditional .ini files parsed:      /usr/local/etc/php/conf.d/docker-php-ext-sodium.ini, /opt/extra/98-ddappsec.ini\r\n';
  const info = parsePhpIni(out);
  assert.equal(info.loaded, null);
  assert.deepEqual(info.scanDirs, ['/usr/local/etc/php/conf.d', '/opt/extra']);
  assert.deepEqual(iniFilesOf(info), ['/usr/local/etc/php/conf.d/docker-php-ext-sodium.ini', '/opt/extra/98-ddappsec.ini']);
});

test('nothing at all: (none) everywhere, garbage around, empty output', () => {
  const info = parsePhpIni(
    'PHP Warning:  something\nConfiguration File (php.ini) Path: (none)\nLoaded Configuration File: (none)\nScan for additional .ini files in: (none)\nAdditional .ini files parsed: (none)\n',
  );
  assert.deepEqual(info, { configPath: null, loaded: null, scanDirs: [], additional: [] });
  assert.deepEqual(parsePhpIni(''), { configPath: null, loaded: null, scanDirs: [], additional: [] });
});

test('holdsAppsec counts AppSec settings of both prefixes and sees the extension load, not comments', () => {
  assert.deepEqual(holdsAppsec('extension = ddappsec.so\nddappsec.enabled = 1\r\ndatadog.appsec.log_level=debug\n; datadog.appsec.enabled = 1\n'), {
    settings: 2,
    loadsExtension: true,
  });
  assert.deepEqual(holdsAppsec('memory_limit = 1G\nextension=ddtrace.so\n'), { settings: 0, loadsExtension: false });
});
