import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { exposeApi } from './preload/createPreloadApi';

exposeApi({ contextBridge, ipcRenderer, webUtils }, window);
