<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AppLinks</name>
    <message>
        <location filename="../../assistant/ui/app_link_actions.py" line="62"/>
        <location filename="../../assistant/ui/app_link_actions.py" line="70"/>
        <source>Folder not saved</source>
        <translation>文件夹未保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/app_link_actions.py" line="62"/>
        <source>That plugin is not installed.</source>
        <translation>该插件未安装。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/app_link_actions.py" line="64"/>
        <source>Choose the model's folder</source>
        <translation>选择模型所在的文件夹</translation>
    </message>
</context>
<context>
    <name>ChatModelStatus</name>
    <message>
        <location filename="../../assistant/ui/status_model.py" line="21"/>
        <source>The model that answers in the chat; change it in Settings → Chat.</source>
        <translation>在对话中回答的模型；可在“设置 → Chat”中更改。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/status_model.py" line="32"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../assistant/ui/composer.py" line="67"/>
        <source>Remove {name}</source>
        <translation>移除 {name}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="115"/>
        <source>Ask anything, or drop files and images here  (Enter sends, Shift+Enter: new line)</source>
        <translation>有问题尽管问，也可以把文件和图片拖到这里（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="122"/>
        <source>Attach…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="124"/>
        <location filename="../../assistant/ui/composer.py" line="210"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="127"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="128"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答（Esc）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="134"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="136"/>
        <source>The options of the plugin this message goes to</source>
        <translation>这条消息将发往的插件的选项</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="205"/>
        <source>Resend</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="221"/>
        <source>Attach files</source>
        <translation>添加附件</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="50"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="58"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="109"/>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="135"/>
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="140"/>
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="140"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="140"/>
        <source>Memory</source>
        <translation>内存占用</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="140"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="140"/>
        <source>Last error</source>
        <translation>最近的错误</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="142"/>
        <source>Turn on / off</source>
        <translation>启用 / 停用</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="144"/>
        <source>Unload models</source>
        <translation>卸载模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="170"/>
        <source>missing: </source>
        <translation>缺失：</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="186"/>
        <source>Models marked missing are not on this computer: they download on first use when the internet is reachable, or choose their folder in Settings.</source>
        <translation>标为缺失的模型不在这台电脑上：联网时首次使用会自动下载，也可以在“设置”中选择它们所在的文件夹。</translation>
    </message>
</context>
<context>
    <name>Dictation</name>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>The microphone needs the PortAudio library, which is not installed (Debian and Ubuntu: sudo apt install libportaudio2; Fedora and Arch: portaudio).</source>
        <translation>麦克风需要 PortAudio 库，但它尚未安装（Debian 和 Ubuntu：sudo apt install libportaudio2；Fedora 和 Arch：portaudio）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>The microphone needs the sounddevice package: pip install 'assistant[voice]'.</source>
        <translation>麦克风需要 sounddevice 包：pip install 'assistant[voice]'。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>No microphone was found: this computer has no sound input device, or no sound server is running.</source>
        <translation>没有找到麦克风：这台电脑没有声音输入设备，或者没有运行声音服务器。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>The microphone “{device}” is not connected; choose another in Settings → General.</source>
        <translation>麦克风“{device}”未连接；请在“设置 → 常规”中选择其他麦克风。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>The microphone could not be opened ({error}). It may be in use by another app, or this app may not be allowed to use it (check the system's privacy settings).</source>
        <translation>无法打开麦克风（{error}）。它可能正被其他应用使用，或者本应用没有使用它的权限（请检查系统的隐私设置）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>The microphone file {name} must be a 16 kHz mono 16-bit WAV.</source>
        <translation>麦克风文件 {name} 必须是 16 kHz 单声道 16 位 WAV 文件。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="59"/>
        <source>The microphone file {name} cannot be read ({error}).</source>
        <translation>无法读取麦克风文件 {name}（{error}）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="78"/>
        <source>Checking the microphone…</source>
        <translation>正在检查麦克风…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="100"/>
        <source>Dictation needs the Transcribe plugin: turn it on in the plugin manager (or install the voice extra).</source>
        <translation>听写需要“转写”插件：请在插件管理器中启用它（或安装 voice 附加组件）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="156"/>
        <source>Hold the microphone button (or F2) while you speak.</source>
        <translation>说话时请按住麦克风按钮（或 F2 键）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="210"/>
        <source>No speech was heard.</source>
        <translation>没有听到语音。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="283"/>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="300"/>
        <source>Talk</source>
        <translation>说话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="324"/>
        <source>Hold to talk (or hold F2); let go to stop, Esc cancels</source>
        <translation>按住说话（或按住 F2）；松开即停止，Esc 取消</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="331"/>
        <source>Listening… let go to stop, Esc cancels</source>
        <translation>正在聆听… 松开即停止，Esc 取消</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dictation.py" line="332"/>
        <source>Writing down what you said…</source>
        <translation>正在写下您说的话…</translation>
    </message>
    <message>
        <source>Dictation is off: {reason}</source>
        <translation type="vanished">听写不可用：{reason}</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>Markdown (*.md)</source>
        <translation type="vanished">Markdown (*.md)</translation>
    </message>
    <message>
        <source>JSON, every version and part (*.json)</source>
        <translation type="vanished">JSON，含所有版本和内容 (*.json)</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation type="vanished">对话</translation>
    </message>
    <message>
        <source>Open a conversation to export it.</source>
        <translation type="vanished">请先打开一个对话再导出。</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation type="vanished">导出对话</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation type="vanished">已导出到 %1</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../assistant/ui/image_viewer.py" line="39"/>
        <source>Paint a mask…</source>
        <translation>涂蒙版…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/image_viewer.py" line="40"/>
        <source>Paint the part to change; both are attached</source>
        <translation>涂出要修改的部分；图片和蒙版都会附加</translation>
    </message>
</context>
<context>
    <name>KnowledgePanel</name>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="44"/>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="51"/>
        <source>Drop files or folders here, or add them below.</source>
        <translation>将文件或文件夹拖到这里，或在下方添加。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="55"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="60"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="61"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="62"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="63"/>
        <source>Re-index</source>
        <translation>重新索引</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="86"/>
        <source>The documents plugin is not installed.</source>
        <translation>未安装文档插件。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="108"/>
        <source>The list of documents cannot be read: %1</source>
        <translation>无法读取文档列表：%1</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="152"/>
        <source>left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="155"/>
        <source>files</source>
        <translation>个文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="157"/>
        <location filename="../../assistant/ui/knowledge_panel.py" line="176"/>
        <source>passages</source>
        <translation>个段落</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="166"/>
        <source>Indexed %1, unchanged %2, removed %3.</source>
        <translation>已索引 %1 个，未变 %2 个，已移除 %3 个。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="170"/>
        <source>Stopped; what was indexed is kept.</source>
        <translation>已停止；已索引的内容会保留。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="194"/>
        <source>Add documents</source>
        <translation>添加文档</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="199"/>
        <source>Add a folder of documents</source>
        <translation>添加文档文件夹</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../assistant/ui/export_actions.py" line="24"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/export_actions.py" line="24"/>
        <source>JSON, every version and part (*.json)</source>
        <translation>JSON，含所有版本和内容 (*.json)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/export_actions.py" line="30"/>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/export_actions.py" line="43"/>
        <source>Open a conversation to export it.</source>
        <translation>请先打开一个对话再导出。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/export_actions.py" line="50"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/export_actions.py" line="71"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/file_actions.py" line="37"/>
        <source>No program on this computer opens {link}.</source>
        <translation>这台电脑上没有能打开 {link} 的程序。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/file_actions.py" line="42"/>
        <source>No program on this computer opens {name}: choose where to keep a copy.</source>
        <translation>这台电脑上没有能打开 {name} 的程序：请选择保存副本的位置。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/file_actions.py" line="48"/>
        <source>Save a copy of {name}</source>
        <translation>保存 {name} 的副本</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/file_actions.py" line="56"/>
        <source>{name} could not be saved: {reason}</source>
        <translation>无法保存 {name}：{reason}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/file_actions.py" line="61"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="50"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="263"/>
        <location filename="../../assistant/ui/main_window.py" line="336"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="507"/>
        <source>Finishing…</source>
        <translation>正在收尾…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="36"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="38"/>
        <source>&amp;New conversation</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="42"/>
        <source>&amp;Export conversation…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="49"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="50"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="53"/>
        <source>&amp;Search conversations</source>
        <translation>搜索对话(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="59"/>
        <source>Focus the message box</source>
        <translation>转到输入框</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="63"/>
        <source>S&amp;top answering</source>
        <translation>停止回答(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="64"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="67"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="71"/>
        <source>&amp;Plugins…</source>
        <translation>插件(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="73"/>
        <source>&amp;Memory</source>
        <translation>记忆(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="76"/>
        <source>&amp;Documents</source>
        <translation>文档(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="80"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="83"/>
        <source>What can you do?</source>
        <translation>你能做什么？</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/read_aloud.py" line="65"/>
        <source>Read answers aloud</source>
        <translation>朗读回答</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/read_aloud.py" line="66"/>
        <source>Speak each answer in this conversation while it is written</source>
        <translation>在本对话中边写边朗读每条回答</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/read_aloud.py" line="159"/>
        <source>This answer has been read aloud already: its recording is under it.</source>
        <translation>这条回答已朗读过：录音就在它下方。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/read_aloud.py" line="180"/>
        <source>No plugin reads answers aloud: turn on Spoken replies in the plugin manager.</source>
        <translation>没有插件可以朗读回答：请在插件管理器中启用“语音回复”。</translation>
    </message>
</context>
<context>
    <name>MemoryPanel</name>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="43"/>
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="50"/>
        <source>Older turns are folded into this summary, which the model reads as background.</source>
        <translation>较早的对话会归纳进这份摘要，模型会把它当作背景信息来参考。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="56"/>
        <source>The model's own summary was not usable, so this one keeps your own sentences.</source>
        <translation>模型自己写的摘要不可用，因此这里保留的是你自己说过的句子。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="62"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="63"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="86"/>
        <source>Folded into the summary</source>
        <translation>已并入摘要</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="113"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="113"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="120"/>
        <source>%1 of %2 messages are in the summary; the model reads the rest word for word.</source>
        <translation>%2 条消息中有 %1 条已并入摘要；其余消息模型会逐字读取。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="128"/>
        <source>None yet: the whole conversation fits in what the model reads.</source>
        <translation>暂时没有：整段对话都在模型能读取的范围内。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="142"/>
        <source>For this conversation</source>
        <translation>本对话专用</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="144"/>
        <source>the chat settings' system prompt</source>
        <translation>沿用聊天设置中的系统提示词</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="148"/>
        <location filename="../../assistant/ui/memory_panel.py" line="152"/>
        <source>as in the chat settings</source>
        <translation>沿用聊天设置</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="158"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="159"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="160"/>
        <source>Longest reply (tokens)</source>
        <translation>最长回复（词元数）</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="43"/>
        <location filename="../../assistant/ui/audio_player.py" line="94"/>
        <location filename="../../assistant/ui/audio_player.py" line="106"/>
        <location filename="../../assistant/ui/audio_player.py" line="123"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="46"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="47"/>
        <location filename="../../assistant/ui/audio_player.py" line="81"/>
        <source>Stop and go back to the start</source>
        <translation>停止并回到开头</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="53"/>
        <location filename="../../assistant/ui/audio_player.py" line="82"/>
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="62"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="63"/>
        <source>Open {name} in another program</source>
        <translation>用其他程序打开 {name}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="79"/>
        <source>There is no sound output on this computer; Open plays it elsewhere.</source>
        <translation>这台电脑没有声音输出；点“打开”用其他程序播放。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="99"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="229"/>
        <location filename="../../assistant/ui/message_parts.py" line="487"/>
        <location filename="../../assistant/ui/message_widget.py" line="249"/>
        <location filename="../../assistant/ui/message_widget.py" line="253"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="230"/>
        <source>Copy the code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="255"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="277"/>
        <location filename="../../assistant/ui/message_widget.py" line="321"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="442"/>
        <source>Open full size, or drag it out</source>
        <translation>点击查看原图，或拖出窗口</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="485"/>
        <source>Use as input</source>
        <translation>用作输入</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="485"/>
        <source>Attach this picture to the next message</source>
        <translation>把这张图片附加到下一条消息</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="486"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="486"/>
        <source>Save this picture, with how it was made, to a file</source>
        <translation>把这张图片连同生成参数保存为文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="487"/>
        <source>Copy this picture</source>
        <translation>复制这张图片</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="586"/>
        <source>Sound</source>
        <translation>声音</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="586"/>
        <location filename="../../assistant/ui/message_parts.py" line="586"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="588"/>
        <source>Open {name}</source>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="618"/>
        <source>page</source>
        <translation>页码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="622"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_view.py" line="78"/>
        <source>Show earlier messages</source>
        <translation>显示更早的消息</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="249"/>
        <source>Copy the question</source>
        <translation>复制问题</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="249"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="250"/>
        <source>Change the question and ask again; the first version is kept</source>
        <translation>修改问题并重新提问；原来的版本会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="253"/>
        <source>Copy the answer as Markdown</source>
        <translation>以 Markdown 复制回答</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="254"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="254"/>
        <source>Answer again; this answer is kept</source>
        <translation>重新回答；这个回答会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="255"/>
        <source>Send to…</source>
        <translation>转交给…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="255"/>
        <source>Ask another plugin; this answer is kept</source>
        <translation>交给另一个插件；这个回答会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="256"/>
        <source>Read aloud</source>
        <translation>朗读</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="257"/>
        <source>Read this answer aloud; the recording is kept</source>
        <translation>朗读这条回答；录音会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="261"/>
        <source>Change the options of the question and ask again</source>
        <translation>修改提问的选项并重新提问</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="262"/>
        <source>Edit parameters</source>
        <translation>编辑参数</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="272"/>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="279"/>
        <source>answering…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="279"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="279"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="284"/>
        <source>The previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="287"/>
        <source>The next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/picture_actions.py" line="56"/>
        <source>Picture copied</source>
        <translation>图片已复制</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/picture_actions.py" line="63"/>
        <source>Save the picture</source>
        <translation>保存图片</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/picture_actions.py" line="64"/>
        <source>Pictures (*{suffix})</source>
        <translation>图片 (*{suffix})</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/picture_actions.py" line="72"/>
        <source>Picture not saved</source>
        <translation>图片未保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/picture_actions.py" line="74"/>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/picture_actions.py" line="84"/>
        <source>This picture does not say how it was made, so that cannot be done.</source>
        <translation>这张图片没有记录生成方式，因此无法执行此操作。</translation>
    </message>
    <message>
        <source>Open full size</source>
        <translation type="vanished">以原尺寸打开</translation>
    </message>
</context>
<context>
    <name>OptionsForm</name>
    <message>
        <location filename="../../assistant/ui/options_form.py" line="92"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/options_form.py" line="93"/>
        <source>Give none of these options: the settings decide</source>
        <translation>不给出这些选项：由设置决定</translation>
    </message>
</context>
<context>
    <name>OptionsPanel</name>
    <message>
        <location filename="../../assistant/ui/options_panel.py" line="73"/>
        <source>Options for {plugin}</source>
        <translation>{plugin} 的选项</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="154"/>
        <source>“{value}” is not available here; {choice} is chosen instead.</source>
        <translation>此处没有“{value}”，已改为选择 {choice}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="185"/>
        <source>{0} (not available here)</source>
        <translation>{0}（此处不可用）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="202"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="228"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="233"/>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="238"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="248"/>
        <source>A file…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_editors.py" line="249"/>
        <source>A folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_form.py" line="105"/>
        <source>kept in the keyring; type to replace</source>
        <translation>保存在密钥环中；输入即可替换</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_form.py" line="106"/>
        <source>Forget the stored key</source>
        <translation>删除已保存的密钥</translation>
    </message>
    <message>
        <source>kept in the system keyring; type to replace</source>
        <translation type="vanished">已保存在系统密钥环中；输入新值即可替换</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../assistant/ui/rename_dialog.py" line="23"/>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/rename_dialog.py" line="26"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="45"/>
        <location filename="../../assistant/ui/sidebar.py" line="85"/>
        <location filename="../../assistant/ui/sidebar_rows.py" line="194"/>
        <location filename="../../assistant/ui/sidebar_rows.py" line="212"/>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="48"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="109"/>
        <source>Nothing found</source>
        <translation>未找到结果</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="183"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="184"/>
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="185"/>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="187"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="207"/>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="208"/>
        <source>Delete “%1” and everything said in it?</source>
        <translation>要删除“%1”及其中的全部内容吗？</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="60"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="62"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="64"/>
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="66"/>
        <source>MMMM yyyy</source>
        <translation>yyyy年M月</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="82"/>
        <source>d MMM</source>
        <translation>M月d日</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="82"/>
        <source>d MMM yyyy</source>
        <translation>yyyy年M月d日</translation>
    </message>
    <message numerus="yes">
        <location filename="../../assistant/ui/sidebar_rows.py" line="255"/>
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar_rows.py" line="258"/>
        <source>Started from the command line</source>
        <translation>从命令行开始的对话</translation>
    </message>
</context>
<context>
    <name>SketchPad</name>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="271"/>
        <source>Paint a mask</source>
        <translation>绘制蒙版</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="271"/>
        <source>Draw a scribble</source>
        <translation>画草图</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="279"/>
        <source>Paint over the part of the picture to change.</source>
        <translation>涂抹图片中要修改的部分。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="297"/>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="298"/>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="314"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="315"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="316"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="331"/>
        <source>Size: %1 px</source>
        <translation>大小：%1 像素</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketch_pad.py" line="356"/>
        <source>Could not save the drawing in %1.</source>
        <translation>无法将绘图保存到 %1。</translation>
    </message>
</context>
<context>
    <name>Sketching</name>
    <message>
        <location filename="../../assistant/ui/sketching.py" line="32"/>
        <location filename="../../assistant/ui/sketching.py" line="57"/>
        <source>Draw</source>
        <translation>绘制</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketching.py" line="33"/>
        <source>Draw a scribble, or paint a mask over the attached picture</source>
        <translation>画一幅草图，或在附加的图片上涂出蒙版</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketching.py" line="35"/>
        <source>Draw a scribble…</source>
        <translation>画草图…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sketching.py" line="37"/>
        <source>Paint a mask over the attached picture…</source>
        <translation>在附加的图片上涂蒙版…</translation>
    </message>
</context>
<context>
    <name>SourceViewer</name>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="78"/>
        <source>page</source>
        <translation>页码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="87"/>
        <source>Open file</source>
        <translation>打开文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="90"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="107"/>
        <location filename="../../assistant/ui/source_viewer.py" line="154"/>
        <source>The file is no longer at {path}.</source>
        <translation>文件已不在 {path}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="113"/>
        <source>This file cannot be shown here: {reason}</source>
        <translation>无法在此显示该文件：{reason}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="120"/>
        <source>The file has changed since it was indexed; the passage is not in it now.</source>
        <translation>文件在建立索引后已更改，现在其中没有这段内容。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/source_viewer.py" line="158"/>
        <source>No program on this system opens {name}; the file is at {path}.</source>
        <translation>此系统上没有可以打开 {name} 的程序；文件位于 {path}。</translation>
    </message>
</context>
<context>
    <name>VoiceBar</name>
    <message>
        <location filename="../../assistant/ui/voice_bar.py" line="40"/>
        <source>Voice</source>
        <translation>语音</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_bar.py" line="43"/>
        <source>Voice mode: talk, hear the answer, talk over it to interrupt ({key})</source>
        <translation>语音模式：说话、听回答，插话即可打断（{key}）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_bar.py" line="63"/>
        <source>Timings</source>
        <translation>耗时</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_bar.py" line="66"/>
        <source>Show how long each stage of the last spoken turns took</source>
        <translation>显示最近几轮语音对话各阶段的耗时</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_bar.py" line="107"/>
        <source>Ignored a sound that was not speech ({count} so far).</source>
        <translation>已忽略一段不是说话的声音（共 {count} 次）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_bar.py" line="118"/>
        <source>Timings appear here after your first spoken turn.</source>
        <translation>说完第一句后，这里会显示耗时。</translation>
    </message>
</context>
<context>
    <name>VoiceMode</name>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>Voice mode needs the Silero voice-activity model: {install}.</source>
        <translation>语音模式需要 Silero 语音活动检测模型：{install}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>The silero-vad package has no {file}; reinstall it: {install}.</source>
        <translation>silero-vad 软件包中没有 {file}，请重新安装：{install}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>Voice mode needs onnxruntime: pip install onnxruntime.</source>
        <translation>语音模式需要 onnxruntime：pip install onnxruntime。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>The voice-activity model {name} could not be loaded ({error}).</source>
        <translation>无法加载语音活动检测模型 {name}（{error}）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>Echo cancellation needs the livekit package (pip install livekit): {error}.</source>
        <translation>回声消除需要 livekit 软件包（pip install livekit）：{error}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>The echo canceller could not start ({error}).</source>
        <translation>回声消除器无法启动（{error}）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="65"/>
        <source>Echo cancellation failed ({error}).</source>
        <translation>回声消除失败（{error}）。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="77"/>
        <source>Voice mode is off</source>
        <translation>语音模式已关闭</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="78"/>
        <source>Starting voice mode…</source>
        <translation>正在启动语音模式…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="79"/>
        <source>Listening</source>
        <translation>正在聆听</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="80"/>
        <source>Hearing you…</source>
        <translation>正在听你说…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="81"/>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="82"/>
        <source>Speaking (talk to interrupt)</source>
        <translation>正在说话（开口即可打断）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="89"/>
        <source>end of speech</source>
        <translation>说完</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="91"/>
        <source>transcript</source>
        <translation>转写</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="92"/>
        <source>first word</source>
        <translation>首个词</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="93"/>
        <source>first audio</source>
        <translation>首段语音</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="169"/>
        <source>Voice mode needs the Transcribe plugin: turn it on in the plugin manager.</source>
        <translation>语音模式需要“转写”插件：请在插件管理器中启用它。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="202"/>
        <location filename="../../assistant/ui/voice_mode.py" line="231"/>
        <source>Voice mode cannot start: {reason}</source>
        <translation>语音模式无法启动：{reason}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/voice_mode.py" line="219"/>
        <source>No echo cancellation{why}: the microphone is closed while I speak; press Esc to interrupt.</source>
        <translation>没有回声消除{why}：我说话时麦克风关闭；按 Esc 打断。</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="70"/>
        <source>No models are on this computer yet; they download on first use.</source>
        <translation>这台电脑上还没有模型；首次使用时会下载。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="72"/>
        <source>On this computer: {names}.</source>
        <translation>这台电脑上有：{names}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="78"/>
        <source>Drop photos on the window.</source>
        <translation>把照片拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="80"/>
        <source>Drop documents on the window.</source>
        <translation>把文档拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="82"/>
        <source>Drop recordings on the window.</source>
        <translation>把录音拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="109"/>
        <source>What can I help with?</source>
        <translation>有什么可以帮你？</translation>
    </message>
</context>
</TS>
